package media

import (
	"bytes"

	"github.com/changzheng/chorus/dispatch"
)

// sniff names the MIME type of b from its first bytes, among the types kept for kind; ""
// means b is not one of them, whatever the channel claimed.
func sniff(kind dispatch.MediaKind, b []byte) string {
	switch kind {
	case dispatch.MediaPhoto:
		switch {
		case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
			return "image/jpeg"
		case bytes.HasPrefix(b, []byte(pngSig)):
			return "image/png"
		}
	case dispatch.MediaVoice:
		switch {
		case bytes.HasPrefix(b, []byte("ID3")):
			return "audio/mpeg"
		case len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0:
			return "audio/mpeg" // an MP3 frame sync, as WeChat's webwxgetvoice serves
		case bytes.HasPrefix(b, []byte("#!AMR")):
			return "audio/amr"
		case bytes.HasPrefix(b, []byte("#!SILK_V3")), bytes.HasPrefix(b, []byte("\x02#!SILK_V3")):
			return "audio/silk"
		case bytes.HasPrefix(b, []byte("OggS")):
			return "audio/ogg"
		case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WAVE":
			return "audio/wav"
		}
	}
	return ""
}

// ext is the file name suffix of a kept type.
func ext(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "audio/mpeg":
		return ".mp3"
	case "audio/amr":
		return ".amr"
	case "audio/silk":
		return ".silk"
	case "audio/ogg":
		return ".ogg"
	case "audio/wav":
		return ".wav"
	}
	return ""
}
