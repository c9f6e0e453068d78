package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// mediaURLFor is how long an Open311 media_url stays valid: long enough for the
// district's system to fetch the photo after reading the request, short enough that a
// copied link does not stay a way to a resident's photo.
const mediaURLFor = time.Hour

// photo is one of a report's photos as the report page shows it.
type photo struct {
	URL   string
	After bool
}

// reportMedia lists the report's photos (served behind the session) and counts its
// recordings; nothing when the media store is not configured.
func (s *Server) reportMedia(ctx context.Context, id int64) (photos []photo, voices int, err error) {
	if s.opts.Media == nil {
		return nil, 0, nil
	}
	items, err := s.st.ReportMedia(ctx, id)
	if err != nil {
		return nil, 0, fmt.Errorf("web: media of R%d: %w", id, err)
	}
	for _, it := range items {
		switch it.Kind {
		case dispatch.MediaPhoto:
			photos = append(photos, photo{URL: fmt.Sprintf("/reports/R%d/photos/%s", id, it.SHA256), After: it.Phase == dispatch.PhaseAfter})
		case dispatch.MediaVoice:
			voices++
		}
	}
	return photos, voices, nil
}

// mediaGone says when the report's photos and recordings were removed at the end of
// their retention period ("2026年12月6日"), or "" while they are kept.
func (s *Server) mediaGone(r dispatch.Report) string {
	if r.MediaGone.IsZero() {
		return ""
	}
	loc := s.opts.Community.Loc
	if loc == nil {
		loc = time.UTC
	}
	return r.MediaGone.In(loc).Format("2006年1月2日")
}

// photoOf finds the photo sum among report id's media: a hash alone never opens a file,
// only a hash that belongs to the report named in the path.
func (s *Server) photoOf(ctx context.Context, id int64, sum string) (dispatch.MediaItem, error) {
	items, err := s.st.ReportMedia(ctx, id)
	if err != nil {
		return dispatch.MediaItem{}, err
	}
	for _, it := range items {
		if it.Kind == dispatch.MediaPhoto && it.SHA256 == sum {
			return it, nil
		}
	}
	return dispatch.MediaItem{}, dispatch.ErrNotFound
}

// servePhoto writes report id's photo sum, or 404.
func (s *Server) servePhoto(w http.ResponseWriter, r *http.Request, id int64, sum string) {
	if s.opts.Media == nil {
		http.NotFound(w, r)
		return
	}
	it, err := s.photoOf(r.Context(), id, sum)
	if errors.Is(err, dispatch.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.opts.Media(sum)
	if err != nil {
		s.log.ErrorContext(r.Context(), "web: open photo", "report", id, "err", err)
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", it.Type)
	h.Set("Cache-Control", "private, no-store")
	if _, err := io.Copy(w, f); err != nil {
		s.log.ErrorContext(r.Context(), "web: send photo", "report", id, "err", err)
	}
}

// photo serves a photo to signed-in staff.
func (s *Server) photo(w http.ResponseWriter, r *http.Request, _ *session) {
	id, ok := reportID(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.servePhoto(w, r, id, r.PathValue("sum"))
}

// sign is the MAC of one photo link with its expiry.
func (s *Server) sign(id int64, sum string, exp int64) string {
	m := hmac.New(sha256.New, s.opts.MediaKey)
	fmt.Fprintf(m, "R%d/%s/%d", id, sum, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// mediaURL is the signed, expiring link to report id's first photo for Open311, or "".
func (s *Server) mediaURL(ctx context.Context, r *http.Request, id int64) string {
	if s.opts.Media == nil || len(s.opts.MediaKey) == 0 {
		return ""
	}
	items, err := s.st.ReportMedia(ctx, id)
	if err != nil {
		return ""
	}
	for _, it := range items {
		if it.Kind != dispatch.MediaPhoto {
			continue
		}
		exp := s.now().Add(mediaURLFor).Unix()
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return fmt.Sprintf("%s://%s/open311/v2/media/R%d/%s?exp=%d&sig=%s", scheme, r.Host, id, it.SHA256, exp, s.sign(id, it.SHA256, exp))
	}
	return ""
}

// o311Media serves a photo by a signed link, without a session, until the link expires.
func (s *Server) o311Media(w http.ResponseWriter, r *http.Request) {
	id, ok := reportID(r.PathValue("id"))
	sum := r.PathValue("sum")
	exp, err := strconv.ParseInt(r.URL.Query().Get("exp"), 10, 64)
	if !ok || err != nil || len(s.opts.MediaKey) == 0 || s.now().Unix() > exp ||
		!hmac.Equal([]byte(r.URL.Query().Get("sig")), []byte(s.sign(id, sum, exp))) {
		http.NotFound(w, r)
		return
	}
	s.servePhoto(w, r, id, sum)
}
