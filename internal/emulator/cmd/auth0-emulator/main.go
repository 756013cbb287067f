// Command auth0-emulator serves a local Auth0 tenant over HTTPS on loopback
// for demos and manual testing. It writes the CA certificate to trust and a
// shell file of environment variables that point the provider at it.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on, such as 127.0.0.1:8443 (port 0: any free port)")
	dir := flag.String("dir", ".emulator", "folder for ca.pem and env.sh")
	flag.Parse()

	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatal(err)
	}
	srv, err := emulator.Start(emulator.Options{Addr: *addr, Keys: emulator.TenantWithHistory()})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	caPath, err := filepath.Abs(filepath.Join(*dir, "ca.pem"))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(caPath, srv.CACertPEM(), 0o600); err != nil {
		log.Fatal(err)
	}
	env := environment(srv.Domain(), emulator.DefaultClient(), caPath)
	envPath := filepath.Join(*dir, "env.sh")
	// Written last and renamed into place, so a reader never sees half of it.
	if err := os.WriteFile(envPath+".tmp", []byte(env), 0o600); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(envPath+".tmp", envPath); err != nil {
		log.Fatal(err)
	}
	log.Printf("Auth0 emulator serving tenant %s; environment in %s", srv.URL(), envPath)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}

// otherCredentials are the Auth0 variables a shell may hold for a real
// tenant: AUTH0_API_TOKEN would win over the emulator's client, and the
// others do not fit the emulator's tenant.
var otherCredentials = []string{"AUTH0_API_TOKEN", "AUTH0_AUDIENCE", "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY", "AUTH0_CLIENT_ASSERTION_SIGNING_ALG"}

// environment is env.sh: the tenant, its client's credentials and the CA
// to trust, with the other Auth0 credentials unset. SSL_CERT_FILE is read
// by Go on Linux and other Unix systems; AUTH0KEYS_CA_CERT_FILE makes the
// provider trust the CA on any system.
func environment(domain string, client emulator.Client, caPath string) string {
	return fmt.Sprintf("unset %s\nexport AUTH0_DOMAIN=%s\nexport AUTH0_CLIENT_ID=%s\nexport AUTH0_CLIENT_SECRET=%s\n"+
		"export SSL_CERT_FILE=%s\nexport AUTH0KEYS_CA_CERT_FILE=%s\n",
		strings.Join(otherCredentials, " "), shellQuoted(domain), shellQuoted(client.ID), shellQuoted(client.Secret),
		shellQuoted(caPath), shellQuoted(caPath))
}

// shellQuoted quotes s for a POSIX shell, which expands nothing between
// single quotes.
func shellQuoted(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
