package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateMap stands in for the framework's private state.
type privateMap map[string][]byte

func (p privateMap) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

// SetKey removes the key for an empty value, as the framework does.
func (p privateMap) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
		return nil
	}
	p[key] = value
	return nil
}

func TestKeysReadAt(t *testing.T) {
	t.Parallel()
	readAt := time.Date(2026, 11, 26, 9, 30, 15, 123456789, time.UTC)
	recorded := privateMap{}
	if diags := setKeysReadAt(context.Background(), recorded, readAt); diags.HasError() {
		t.Fatal(diags)
	}
	tests := map[string]struct {
		private privateMap
		want    time.Time // zero: now
	}{
		"recorded by a read":   {recorded, readAt},
		"not recorded":         {privateMap{}, time.Time{}},
		"not a JSON string":    {privateMap{keysReadAtKey: []byte(`12`)}, time.Time{}},
		"not a time":           {privateMap{keysReadAtKey: []byte(`"yesterday"`)}, time.Time{}},
		"another key recorded": {privateMap{importedKey: []byte(`true`)}, time.Time{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			before := time.Now()
			got := keysReadAt(context.Background(), tc.private, &diags)
			switch {
			case diags.HasError():
				t.Fatal(diags)
			case !tc.want.IsZero() && !got.Equal(tc.want):
				t.Fatalf("got %s, want %s", got, tc.want)
			case tc.want.IsZero() && (got.Before(before) || got.After(time.Now())):
				t.Fatalf("got %s, want the time of the call", got)
			}
		})
	}
}

func TestListProblem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	private := privateMap{}
	problem := errors.New(`kid "a" is listed 2 times`)
	for _, step := range []struct {
		record error
		want   string
	}{
		{problem, problem.Error()},
		{nil, ""}, // a consistent list clears it
		{problem, problem.Error()},
	} {
		if diags := setListProblem(ctx, private, step.record); diags.HasError() {
			t.Fatal(diags)
		}
		var diags diag.Diagnostics
		if got := listProblem(ctx, private, &diags); got != step.want || diags.HasError() {
			t.Fatalf("after recording %v: got %q (%v), want %q", step.record, got, diags, step.want)
		}
	}
	var diags diag.Diagnostics
	if got := listProblem(ctx, privateMap{listProblemKey: []byte(`12`)}, &diags); got != "" {
		t.Fatalf("a value that is not a string: got %q", got)
	}
}
