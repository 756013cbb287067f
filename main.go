// Command terraform-provider-auth0keys is a Terraform provider that lists,
// rotates and revokes an Auth0 tenant's application signing keys.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/auth0keys/auth0keys",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
