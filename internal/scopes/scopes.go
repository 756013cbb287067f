// Package scopes names the Auth0 Management API scopes of the endpoints
// this project uses, for the client that asks for them and the emulator
// that grants and checks them.
package scopes

// Scopes of the signing key endpoints.
const (
	ReadSigningKeys   = "read:signing_keys"
	CreateSigningKeys = "create:signing_keys"
	UpdateSigningKeys = "update:signing_keys"
)

// SigningKeys is every scope of the signing key endpoints.
var SigningKeys = []string{ReadSigningKeys, CreateSigningKeys, UpdateSigningKeys}

// Scopes of the endpoints that say how long tokens live.
const (
	ReadResourceServers = "read:resource_servers"
	ReadClients         = "read:clients"
)
