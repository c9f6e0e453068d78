package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// errBadImage is returned for image bytes whose structure cannot be walked: they are
// refused rather than kept with metadata that could not be removed.
var errBadImage = errors.New("malformed image")

// stripJPEG drops the metadata segments of a JPEG — APP1 (Exif, with its GPS block and
// thumbnail, and XMP) and APP13 (Photoshop IPTC) — and keeps every other byte as it was:
// the entropy-coded image data after SOS is copied untouched, so nothing is re-encoded.
func stripJPEG(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errBadImage
	}
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	i := 2
	for {
		if i >= len(b) {
			return nil, errBadImage // ended before the image data
		}
		if b[i] != 0xFF {
			return nil, errBadImage
		}
		// Any number of 0xFF may pad before a marker.
		j := i
		for j < len(b) && b[j] == 0xFF {
			j++
		}
		if j >= len(b) {
			return nil, errBadImage
		}
		marker := b[j]
		switch {
		case marker == 0xD9: // EOI with no image data
			return nil, errBadImage
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			// Markers without a length; not expected before SOS but harmless.
			out = append(out, b[i:j+1]...)
			i = j + 1
			continue
		case marker == 0x00:
			return nil, errBadImage
		}
		if j+3 > len(b) {
			return nil, errBadImage
		}
		n := int(binary.BigEndian.Uint16(b[j+1 : j+3]))
		if n < 2 || j+1+n > len(b) {
			return nil, errBadImage
		}
		end := j + 1 + n
		if marker == 0xDA { // SOS: from here on, image data and the rest, byte for byte
			out = append(out, b[i:]...)
			return out, nil
		}
		if !dropJPEGSegment(marker) {
			out = append(out, b[i:end]...)
		}
		i = end
	}
}

// dropJPEGSegment says which segments carry metadata that could locate or identify
// someone: Exif (GPS, camera serials, time), XMP (may repeat GPS) and IPTC.
func dropJPEGSegment(marker byte) bool {
	switch marker {
	case 0xE1: // APP1: Exif, XMP, extended XMP, or something else put there; all go
		return true
	case 0xED: // APP13: Photoshop IRB with IPTC
		return true
	}
	return false
}

// pngSig opens every PNG file.
const pngSig = "\x89PNG\r\n\x1a\n"

// stripPNG drops the chunks that carry Exif or XMP (eXIf, and iTXt/tEXt/zTXt keyed as
// XMP) and keeps every other chunk as it was, CRC included.
func stripPNG(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte(pngSig)) {
		return nil, errBadImage
	}
	out := make([]byte, 0, len(b))
	out = append(out, pngSig...)
	i := len(pngSig)
	for i < len(b) {
		if i+12 > len(b) {
			return nil, errBadImage
		}
		n := int(binary.BigEndian.Uint32(b[i : i+4]))
		if n < 0 || n > len(b)-i-12 {
			return nil, errBadImage
		}
		typ := string(b[i+4 : i+8])
		data := b[i+8 : i+8+n]
		end := i + 12 + n
		if crc32.ChecksumIEEE(b[i+4:i+8+n]) != binary.BigEndian.Uint32(b[i+8+n:end]) {
			return nil, errBadImage
		}
		drop := typ == "eXIf" ||
			((typ == "iTXt" || typ == "tEXt" || typ == "zTXt") && bytes.HasPrefix(data, []byte("XML:com.adobe.xmp\x00")))
		if !drop {
			out = append(out, b[i:end]...)
		}
		i = end
		if typ == "IEND" {
			out = append(out, b[i:]...)
			return out, nil
		}
	}
	return nil, errBadImage
}
