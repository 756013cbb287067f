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
	client := emulator.DefaultClient()
	// SSL_CERT_FILE is read by Go on Linux and other Unix systems;
	// AUTH0KEYS_CA_CERT_FILE makes the provider trust the CA on any system.
	env := fmt.Sprintf("export AUTH0_DOMAIN=%q\nexport AUTH0_CLIENT_ID=%q\nexport AUTH0_CLIENT_SECRET=%q\nexport SSL_CERT_FILE=%q\nexport AUTH0KEYS_CA_CERT_FILE=%q\n",
		srv.Domain(), client.ID, client.Secret, caPath, caPath)
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
