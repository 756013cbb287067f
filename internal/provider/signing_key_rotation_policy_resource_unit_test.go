package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A new policy's plan leaves to the apply what it dates from its first
// sight of a current key without current_since, and the apply dates it;
// a key with its own date is left as planned.
func TestFirstSightIsDatedAtTheApply(t *testing.T) {
	t.Parallel()
	plannedAt, appliedAt := testNow, testNow.Add(90*time.Second)
	undated := rotationPolicyModel{RotateAfter: types.StringValue("24h"), CurrentKID: types.StringValue("cur"),
		FirstSeenCurrent: firstSeenValue(map[string]time.Time{"cur": plannedAt}),
		CurrentSince:     optionalTime(plannedAt), RotationDueAt: optionalTime(plannedAt.Add(24 * time.Hour))}
	undated.leaveFirstSightToApply()
	if !undated.FirstSeenCurrent.IsUnknown() || !undated.CurrentSince.IsUnknown() || !undated.RotationDueAt.IsUnknown() {
		t.Fatalf("the plan names times the final plan would not: %+v", undated)
	}
	undated.dateFirstSight(appliedAt)
	if got := undated.firstSeen()["cur"]; !got.Equal(appliedAt.Truncate(time.Second)) || undated.CurrentSince != optionalTime(appliedAt) ||
		undated.RotationDueAt != optionalTime(appliedAt.Add(24*time.Hour)) {
		t.Fatalf("the apply did not date the first sight at %s: %+v", appliedAt, undated)
	}

	dated := rotationPolicyModel{RotateAfter: types.StringValue("24h"), CurrentKID: types.StringValue("cur"),
		FirstSeenCurrent: firstSeenValue(nil), CurrentSince: optionalTime(plannedAt), RotationDueAt: optionalTime(plannedAt.Add(24 * time.Hour))}
	want := dated
	dated.leaveFirstSightToApply()
	dated.dateFirstSight(appliedAt)
	if !dated.FirstSeenCurrent.Equal(want.FirstSeenCurrent) || dated.CurrentSince != want.CurrentSince || dated.RotationDueAt != want.RotationDueAt {
		t.Fatalf("a key with its own current_since changed: %+v", dated)
	}
}
