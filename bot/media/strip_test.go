package media_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/changzheng/chorus/bot/media"
	"github.com/changzheng/chorus/bot/media/mediatest"
)

func TestStripJPEG(t *testing.T) {
	withMeta, clean := mediatest.JPEG(t, 5)
	soi, rest := clean[:2], clean[2:]
	app0 := mediatest.Segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	iptc := mediatest.Segment(0xED, []byte("Photoshop 3.0\x008BIM"))
	icc := mediatest.Segment(0xE2, []byte("ICC_PROFILE\x00\x01\x01"))
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, c := range []struct {
		name    string
		in, out []byte
	}{
		{"phone photo: Exif and XMP after SOI", withMeta, clean},
		{"no metadata: unchanged", clean, clean},
		{"IPTC dropped, ICC kept", cat(soi, iptc, icc, rest), cat(soi, icc, rest)},
		{"padding 0xFF before a marker kept", cat(soi, []byte{0xFF}, app0, rest), cat(soi, []byte{0xFF}, app0, rest)},
		{"Exif between other segments", cat(soi, app0, mediatest.Segment(0xE1, []byte("Exif\x00\x00GPS")), icc, rest), cat(soi, app0, icc, rest)},
	} {
		got, err := media.StripJPEG(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !bytes.Equal(got, c.out) {
			t.Errorf("%s: got %d bytes; want %d", c.name, len(got), len(c.out))
		}
	}
	// Image data after SOS is copied as it is, even bytes that look like an APP1 marker.
	sos := mediatest.Segment(0xDA, []byte{1, 1, 0, 0, 0x3F, 0})
	data := cat(soi, sos, []byte{0x12, 0xFF, 0x00, 0xFF, 0xE1, 0x00, 0x04, 0xAA, 0xFF, 0xD9})
	if got, err := media.StripJPEG(data); err != nil || !bytes.Equal(got, data) {
		t.Errorf("image data after SOS changed: %v", err)
	}
	for _, bad := range [][]byte{nil, {0xFF, 0xD8}, {0xFF, 0xD8, 0x00}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00}, {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xD9}, {0xFF, 0xD8, 0xFF, 0xD9}} {
		if _, err := media.StripJPEG(bad); err == nil {
			t.Errorf("StripJPEG(% x) accepted a malformed JPEG", bad)
		}
	}
}

func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func TestStripPNG(t *testing.T) {
	sig := []byte("\x89PNG\r\n\x1a\n")
	ihdr := pngChunk("IHDR", []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0})
	idat := pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 4, 0, 1})
	iend := pngChunk("IEND", nil)
	exif := pngChunk("eXIf", []byte("MM\x00\x2aGPS"))
	xmp := pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>"))
	text := pngChunk("tEXt", []byte("Comment\x00hello"))
	in := bytes.Join([][]byte{sig, ihdr, exif, text, xmp, idat, iend}, nil)
	want := bytes.Join([][]byte{sig, ihdr, text, idat, iend}, nil)
	if got, err := media.StripPNG(in); err != nil || !bytes.Equal(got, want) {
		t.Errorf("StripPNG: %v, %d bytes; want %d", err, len(got), len(want))
	}
	broken := bytes.Join([][]byte{sig, ihdr, idat}, nil)
	broken[len(broken)-1] ^= 1
	if _, err := media.StripPNG(broken); err == nil {
		t.Errorf("StripPNG accepted a bad CRC")
	}
}

// FuzzStripJPEG: no input panics, and what is kept never holds an APP1 or APP13 segment
// before the image data, and is never longer than the input.
func FuzzStripJPEG(f *testing.F) {
	withMeta, clean := mediatest.JPEG(f, 7)
	f.Add(withMeta)
	f.Add(clean)
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xE1, 0x00, 0x02, 0xFF, 0xDA, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := media.StripJPEG(b)
		if err != nil {
			return
		}
		if len(out) > len(b) {
			t.Fatalf("output longer than input")
		}
		// Walk the output's header segments again: none may be APP1/APP13.
		i := 2
		for i+4 <= len(out) {
			j := i
			for j < len(out) && out[j] == 0xFF {
				j++
			}
			if j >= len(out) || j == i {
				return
			}
			m := out[j]
			if m == 0xDA {
				return
			}
			if m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
				i = j + 1
				continue
			}
			if m == 0xE1 || m == 0xED {
				t.Fatalf("metadata segment %x kept at %d", m, j)
			}
			if j+3 > len(out) {
				return
			}
			i = j + 1 + int(binary.BigEndian.Uint16(out[j+1:j+3]))
		}
	})
}
