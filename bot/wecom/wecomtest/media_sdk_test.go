package wecomtest_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot/wecom/wecomtest"
)

// downloadJS has the official SDK download and decrypt an image URL (WSClient.downloadFile,
// the call its docs give for image.url and image.aeskey) and print the bytes in hex.
const downloadJS = `
const { WSClient } = require('@wecom/aibot-node-sdk');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const c = new WSClient({ botId: 'x', secret: 'y', logger: quiet });
(async () => {
  const args = process.argv.slice(1);
  for (let i = 0; i + 1 < args.length; i += 2) {
    const { buffer } = await c.downloadFile(args[i], args[i + 1]);
    process.stdout.write(buffer.toString('hex') + '\n');
  }
  process.exit(0);
})().catch((e) => { console.error(e.message); process.exit(1); });
`

// TestOfficialSDKDecryptsFakeImages: what the fake serves for an image message is what
// WeCom serves, as far as the official SDK can tell — it decrypts it to the bytes sent.
// It needs sdkcheck/node_modules, which TestOfficialSDKSpeaksToFake installs; like that
// test it skips without node unless CI=true or CHORUS_SDK_CHECK=1.
func TestOfficialSDKDecryptsFakeImages(t *testing.T) {
	required := os.Getenv("CI") == "true" || os.Getenv("CHORUS_SDK_CHECK") == "1"
	node, err := exec.LookPath("node")
	sdk := filepath.Join("sdkcheck", "node_modules", "@wecom", "aibot-node-sdk", "package.json")
	if err == nil {
		_, err = os.Stat(sdk)
	}
	if err != nil {
		if required {
			t.Fatalf("node or the SDK missing (%v); run (cd bot/wecom/wecomtest/sdkcheck && npm ci)", err)
		}
		t.Skipf("node or the SDK missing (%v); set CHORUS_SDK_CHECK=1 to require this test", err)
	}
	srv := wecomtest.NewServer("aibMEDIA", "s")
	defer srv.Close()
	// The fake sends callbacks only on a subscribed connection; the image's download is
	// plain HTTP and needs none, so the callback's error is expected.
	photo := bytes.Repeat([]byte("JPEG-ish bytes "), 100)
	sent := [][]byte{photo, photo[:32], photo[:33]} // padding of a whole block, and of one byte
	args := []string{"-e", downloadJS}
	for _, plain := range sent {
		_, url, _ := srv.SendSingleImage("u", plain)
		args = append(args, url, keyOf(t, srv, url))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = "sdkcheck"
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("SDK downloadFile: %v: %s", err, errOut.String())
	}
	lines := strings.Fields(out.String())
	if len(lines) != len(sent) {
		t.Fatalf("SDK printed %d files; want %d", len(lines), len(sent))
	}
	for i, plain := range sent {
		got, err := hex.DecodeString(lines[i])
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("file %d: SDK decrypted %d bytes; want the %d sent", i, len(got), len(plain))
		}
	}
}

func keyOf(t *testing.T, srv *wecomtest.Server, url string) string {
	t.Helper()
	key, ok := srv.KeyOf(url)
	if !ok {
		t.Fatalf("no key for %s", url)
	}
	return key
}
