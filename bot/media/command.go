package media

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Command is a Transcriber that runs an operator's speech-to-text program: the recording
// on its standard input, its MIME type in CHORUS_AUDIO_TYPE, the text on its standard
// output. Any engine that can be wrapped in a script fits; none is bundled.
type Command struct {
	// Path is the program; Args its arguments.
	Path string
	Args []string
}

// Transcribe implements Transcriber. The program is killed when ctx ends.
func (c Command) Transcribe(ctx context.Context, audio io.Reader, mime string) (string, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Stdin = audio
	cmd.Env = append(cmd.Environ(), "CHORUS_AUDIO_TYPE="+mime)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("media: speech to text %s: %w (%s)", c.Path, err, strings.TrimSpace(errOut.String()))
	}
	return strings.TrimSpace(out.String()), nil
}
