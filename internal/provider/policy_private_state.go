package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// keysReadAtKey holds, in a rotation policy's private state, when the
// tenant's keys its state records were read: by the refresh, or by the
// apply that wrote them. A plan decides what is due as of then, so that
// the apply's final plan, made later from the same state, names the same
// acts as the plan that was reviewed.
const keysReadAtKey = "keys_read_at"

// privateReader and privateWriter are the framework's private state, as
// plan requests and read, create and update responses give it.
type (
	privateReader interface {
		GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	}
	privateWriter interface {
		SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
	}
)

// setKeysReadAt records when the keys in the state were read.
func setKeysReadAt(ctx context.Context, private privateWriter, at time.Time) diag.Diagnostics {
	value, err := json.Marshal(at.UTC())
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record when the keys were read", err.Error())
		return diags
	}
	return private.SetKey(ctx, keysReadAtKey, value)
}

// keysReadAt is when the keys in the state were read; now for a state
// that does not say, as one written before the provider recorded it.
func keysReadAt(ctx context.Context, private privateReader, diags *diag.Diagnostics) time.Time {
	var at time.Time
	if !readPrivate(ctx, private, keysReadAtKey, &at, diags) {
		return time.Now()
	}
	return at
}

// readPrivate decodes the JSON value recorded at key into v; false when
// nothing is recorded there or it does not decode.
func readPrivate(ctx context.Context, private privateReader, key string, v any, diags *diag.Diagnostics) bool {
	value, problems := private.GetKey(ctx, key)
	diags.Append(problems...)
	return len(value) > 0 && json.Unmarshal(value, v) == nil
}

// listProblemKey holds, in a rotation policy's private state, why the key
// list its state records cannot be trusted to decide a write, as the
// refresh found it: a plan does not act on such a list.
const listProblemKey = "inconsistent_list"

// setListProblem records what is wrong with the list the refresh read;
// nothing when problem is nil.
func setListProblem(ctx context.Context, private privateWriter, problem error) diag.Diagnostics {
	var value []byte
	if problem != nil {
		value, _ = json.Marshal(problem.Error()) // a string always encodes
	}
	return private.SetKey(ctx, listProblemKey, value)
}

// listProblem is what setListProblem recorded; empty when nothing was.
func listProblem(ctx context.Context, private privateReader, diags *diag.Diagnostics) string {
	var problem string
	if !readPrivate(ctx, private, listProblemKey, &problem, diags) {
		return "" // not a string: nothing recorded
	}
	return problem
}
