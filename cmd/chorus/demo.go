package main

import (
	_ "embed"
)

//go:embed demo.txt
var demoText string

// demoScript is the console input of the demo: a morning, an afternoon and a week in
// 长征社区. Lines starting with "-- " are section headings.
func demoScript() string { return demoText }
