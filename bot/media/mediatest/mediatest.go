// Package mediatest makes photos and recordings for tests: a real JPEG with Exif (GPS)
// and XMP segments, and the same JPEG as chorus must keep it.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// JPEG returns a small photo as a phone sends it (withMeta: Exif with a GPS block and an
// XMP packet after SOI) and as it must be kept (clean: the same bytes without those
// segments). seed varies the picture, so photos differ by content hash.
func JPEG(tb testing.TB, seed int) (withMeta, clean []byte) {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for y := range 12 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y*20 + seed), uint8(seed * 7), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatalf("mediatest: encode: %v", err)
	}
	clean = buf.Bytes()
	exif := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte("GPSLatitude 45.5967N GPSLongitude 84.8892E")...)
	xmp := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>45,35.8N</exif:GPSLatitude></x:xmpmeta>")
	withMeta = append([]byte{}, clean[:2]...)
	withMeta = append(withMeta, Segment(0xE1, exif)...)
	withMeta = append(withMeta, Segment(0xE1, xmp)...)
	withMeta = append(withMeta, clean[2:]...)
	return withMeta, clean
}

// Segment is a JPEG marker segment: FF, marker, length, payload.
func Segment(marker byte, payload []byte) []byte {
	out := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(len(payload)+2))
	return append(out, payload...)
}

// MP3 is a few bytes that read as an MP3 recording (an ID3 tag and a frame header), as
// WeChat's webwxgetvoice serves voice messages.
func MP3(seed byte) []byte {
	return append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00\xFF\xFB\x90\x64"), bytes.Repeat([]byte{seed}, 64)...)
}
