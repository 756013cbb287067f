package acctest

import (
	"regexp"
	"strings"
)

// Diagnostic matches the given texts in order in Terraform's output,
// whatever line wrapping Terraform applies: each space in a text matches
// any run of white space.
func Diagnostic(texts ...string) *regexp.Regexp {
	parts := make([]string, len(texts))
	for i, text := range texts {
		words := strings.Fields(text)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}
