package dispatch

import "regexp"

var (
	phoneRE = regexp.MustCompile(`1[3-9]\d{9}|\d{3,4}-\d{7,8}`)
)

// MaskPersonal hides phone numbers in text shown to people other than coordinators and in
// logs ("138****5678").
func MaskPersonal(text string) string {
	return phoneRE.ReplaceAllStringFunc(text, func(p string) string {
		if len(p) < 7 {
			return "****"
		}
		return p[:3] + "****" + p[len(p)-4:]
	})
}

// MaskName hides a display name in logs: its first rune and a star.
func MaskName(name string) string {
	for _, r := range name {
		return string(r) + "*"
	}
	return ""
}
