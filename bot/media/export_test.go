package media

// StripJPEG and StripPNG expose the segment walkers to the fuzz and table tests.
var (
	StripJPEG = stripJPEG
	StripPNG  = stripPNG
)
