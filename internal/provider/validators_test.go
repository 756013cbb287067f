package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestStringChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		check    stringCheck
		accepted []string
		refused  map[string]string // value: the diagnostic's detail
	}{
		{name: "duration", check: durationValidator, accepted: []string{"0s", "90m", "720h", "1h30m"},
			refused: map[string]string{
				"a week": `"a week" is not a duration: use a number with a unit, such as 24h, 90m or 720h (days are written in hours).`,
				"-1h":    `"-1h" is not a duration: use a number with a unit, such as 24h, 90m or 720h (days are written in hours).`,
				"30d":    `"30d" is not a duration: use a number with a unit, such as 24h, 90m or 720h (days are written in hours).`,
			}},
		{name: "rotate_after", check: rotateAfterValidator, accepted: []string{"24h", "2160h", "1440m"},
			refused: map[string]string{
				"23h59m": `"23h59m" is not a duration of at least 24h: rotate on a schedule of days, such as 2160h for 90 days.`,
				"90d":    `"90d" is not a duration of at least 24h: rotate on a schedule of days, such as 2160h for 90 days.`,
			}},
		{name: "auto or a duration", check: autoOrDurationValidator, accepted: []string{"auto", "0s", "720h"},
			refused: map[string]string{
				"Auto": `"Auto" is not a duration such as 720h, nor "auto".`,
				"-5m":  `"-5m" is not a duration such as 720h, nor "auto".`,
			}},
		{name: "JWKS URL", check: httpsURLValidator, accepted: []string{"https://gateway.example.com/.well-known/jwks.json"},
			refused: map[string]string{
				"http://gateway.example.com/jwks.json": `"http://gateway.example.com/jwks.json" is not an https:// URL of a JSON Web Key Set.`,
			}},
	}
	at := path.Root("attribute")
	validate := func(c stringCheck, v types.String) *validator.StringResponse {
		resp := &validator.StringResponse{}
		c.ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: v}, resp)
		return resp
	}
	for _, tc := range tests {
		for _, v := range tc.accepted {
			if resp := validate(tc.check, types.StringValue(v)); resp.Diagnostics.HasError() {
				t.Errorf("%s: %q refused: %v", tc.name, v, resp.Diagnostics)
			}
		}
		for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
			if resp := validate(tc.check, v); resp.Diagnostics.HasError() {
				t.Errorf("%s: %v refused: %v", tc.name, v, resp.Diagnostics)
			}
		}
		for v, detail := range tc.refused {
			diags := validate(tc.check, types.StringValue(v)).Diagnostics
			if len(diags) != 1 || diags[0].Summary() != tc.check.summary || diags[0].Detail() != detail {
				t.Errorf("%s: %q: got %v, want %q", tc.name, v, diags, detail)
				continue
			}
			if withPath, ok := diags[0].(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(at) {
				t.Errorf("%s: %q: the error is not on the attribute", tc.name, v)
			}
		}
	}
}
