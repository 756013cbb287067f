// Command local-build builds the provider into DIR/providers and writes
// DIR/dev.tfrc, the CLI configuration that runs that build; it prints the
// configuration's path, for TF_CLI_CONFIG_FILE. The demo, the docs
// generator and the examples check use it, as the tests do.
package main

import (
	"flag"
	"fmt"
	"log"
	"path/filepath"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
)

func main() {
	dir := flag.String("dir", "", "folder to build into (required)")
	version := flag.String("version", "0.0.0-dev", "version the build reports")
	flag.Parse()
	if *dir == "" {
		log.Fatal("local-build: -dir is required")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	cliConfig, err := devenv.LocalBuild(abs, *version)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cliConfig)
}
