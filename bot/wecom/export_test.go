package wecom

import "encoding/base64"

// Decrypt exposes decryptFile to the tests, with the key as raw bytes.
func Decrypt(enc, key []byte) ([]byte, error) {
	return decryptFile(enc, base64.StdEncoding.EncodeToString(key))
}
