package provider_test

import (
	"os"
	"testing"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
)

func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }
