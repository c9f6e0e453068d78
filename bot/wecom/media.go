package wecom

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/changzheng/chorus/dispatch"
)

// maxDownload bounds an encrypted download read into memory; the media store applies its
// own, smaller, per-file limit to what it decrypts to.
const maxDownload = 64 << 20

// mediaOf maps an image or voice callback to dispatch.Media; ok is false for other types.
// An image is an encrypted download URL (valid for five minutes) and its per-message
// aeskey; voice arrives as WeCom's transcript only.
func mediaOf(b callbackBody) (dispatch.Media, bool) {
	switch b.MsgType {
	case "image":
		if b.Image.URL == "" {
			return dispatch.Media{}, false
		}
		return dispatch.Media{Kind: dispatch.MediaPhoto, Ref: b.Image.URL, Key: b.Image.AESKey}, true
	case "voice":
		return dispatch.Media{Kind: dispatch.MediaVoice, Transcript: b.Voice.Content}, true
	}
	return dispatch.Media{}, false
}

// Fetch downloads an image's URL and decrypts it with its aeskey, as the official SDK's
// downloadFile does. It implements media.Fetcher.
func (t *Transport) Fetch(ctx context.Context, m dispatch.Media) (io.ReadCloser, error) {
	if m.Kind != dispatch.MediaPhoto || m.Ref == "" {
		return nil, fmt.Errorf("wecom: fetch media: nothing to fetch for a %s", m.Kind)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.Ref, nil)
	if err != nil {
		return nil, fmt.Errorf("wecom: fetch image: %w", err)
	}
	hc := t.opts.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wecom: fetch image: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("wecom: fetch image: HTTP %d", resp.StatusCode)
	}
	enc, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("wecom: fetch image: %w", err)
	}
	if len(enc) > maxDownload {
		return nil, fmt.Errorf("wecom: fetch image: over %d bytes: %w", maxDownload, dispatch.ErrMediaTooLarge)
	}
	if m.Key == "" {
		return io.NopCloser(bytes.NewReader(enc)), nil // as the SDK: no key, the bytes as served
	}
	plain, err := decryptFile(enc, m.Key)
	if err != nil {
		return nil, fmt.Errorf("wecom: fetch image: %w", err)
	}
	return io.NopCloser(bytes.NewReader(plain)), nil
}

var errDecrypt = errors.New("cannot decrypt")

// decryptFile is the SDK's decryptFile: AES-256-CBC, the key base64-encoded, the IV its
// first 16 bytes, PKCS#7 padding of 1 to 32 bytes (WeCom pads to 32-byte blocks, which
// a 16-byte-block unpadder would refuse).
func decryptFile(enc []byte, aesKey string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(aesKey)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(aesKey)
	}
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("aeskey is not 32 base64-encoded bytes: %w", errDecrypt)
	}
	if len(enc) == 0 || len(enc)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%d bytes is not whole blocks: %w", len(enc), errDecrypt)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, errDecrypt)
	}
	plain := make([]byte, len(enc))
	cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(plain, enc)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return nil, fmt.Errorf("padding %d: %w", pad, errDecrypt)
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("padding bytes differ: %w", errDecrypt)
		}
	}
	return plain[:len(plain)-pad], nil
}
