// Placeholder translation unit until the client lands.
namespace advisor::client {}
