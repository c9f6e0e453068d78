package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MediaKind says what a non-text message carried.
type MediaKind string

// The media a resident can send with a report.
const (
	MediaPhoto    MediaKind = "photo"
	MediaVoice    MediaKind = "voice"
	MediaLocation MediaKind = "location"
)

// Media is what an inbound photo, voice message or location carried, as the transport saw
// it. The bytes are not here: Ref is the channel's handle to fetch them, used only if
// dispatch decides to keep them.
type Media struct {
	Kind MediaKind `json:"kind"`
	// Ref is the transport's handle to the bytes (a WeChat MsgId, a WeCom download URL);
	// empty when there is nothing to fetch (a location, a WeCom voice transcript).
	Ref string `json:"ref,omitempty"`
	// Key decrypts the download (WeCom's per-message aeskey); empty for none.
	Key string `json:"key,omitempty"`
	// Transcript is the channel's speech-to-text of a voice message; empty for none.
	Transcript string `json:"transcript,omitempty"`
	// Place is a location's label; Lat and Lng its coordinates (zero when unknown).
	Place string  `json:"place,omitempty"`
	Lat   float64 `json:"lat,omitempty"`
	Lng   float64 `json:"lng,omitempty"`
	// File is set once the bytes were fetched and kept (a voice message kept while its
	// sender is asked for text); attaching it then fetches nothing.
	File *MediaFile `json:"file,omitempty"`
}

// MediaFile is a photo or recording kept outside the store, by content.
type MediaFile struct {
	// SHA256 is the hex digest of the bytes as kept (after metadata was stripped); it
	// names the file.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Type is the MIME type the bytes were checked to be ("image/jpeg", "audio/mpeg").
	Type string `json:"type"`
	// Transcript is a speech-to-text engine's reading of a recording; empty for none.
	Transcript string `json:"transcript,omitempty"`
	// Hold names the claim taken on the file before it was written (a voice message's
	// while it waits for text); MediaStore.Attach gives it up, whatever it decides.
	// Empty when the saver takes none.
	Hold string `json:"hold,omitempty"`
}

// Phase says whether a photo shows the problem or the work done.
type Phase string

// The phases of a report's media.
const (
	PhaseBefore Phase = "before"
	PhaseAfter  Phase = "after" // sent by the responsible party after 办结, or a volunteer after 完成
	// PhaseVoice marks a Recent with no report yet: a voice message was kept and its
	// sender asked for text, which then files the report.
	PhaseVoice Phase = "voice"
)

// MediaItem is one photo or recording attached to a report.
type MediaItem struct {
	Report int64     `json:"report"`
	Kind   MediaKind `json:"kind"`
	Phase  Phase     `json:"phase"`
	MediaFile
	// By is the member id of who sent it.
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Attachment is one change to a report's media, applied by the store in one step: a kept
// file with its metadata and the limits it must fit, a location, or a failed fetch (File
// nil, Event saying so).
type Attachment struct {
	Report int64
	Kind   MediaKind
	Phase  Phase
	By     string
	// File is the kept file; nil for a location or a failed fetch.
	File *MediaFile
	// Place, Lat and Lng come from a location; Place is set on the report only when it
	// had none.
	Place    string
	Lat, Lng float64
	Event    Event
	// Day is the yyyymmdd the bytes count against By's daily limit.
	Day    string
	Limits MediaLimits
}

// AttachResult is what attaching did.
type AttachResult int

// The outcomes of Attach.
const (
	Attached AttachResult = iota
	OverReportLimit
	OverDayLimit
)

// MediaLimits bound what a report and a person may keep. Zero means no limit.
type MediaLimits struct {
	// PerReport caps the bytes kept for one report.
	PerReport int64
	// PerDay caps the bytes one person may have kept in a day.
	PerDay int64
}

// Recent is a person's last report-related act in one chat: what their photos there
// would attach to.
type Recent struct {
	Report int64
	Phase  Phase
	At     time.Time
}

// MediaStore keeps media metadata, never the bytes.
type MediaStore interface {
	// NoteRecent records that member's photos in chat now belong to r.Report.
	NoteRecent(ctx context.Context, member, chat string, r Recent) error
	// Recent reads member's last Recent in chat; ErrNotFound if none.
	Recent(ctx context.Context, member, chat string) (Recent, error)
	// KeepPending holds media sent in chat before a report, for the 报事 that may follow.
	KeepPending(ctx context.Context, member, chat string, m Media, now time.Time) error
	// StartReport records r (a report just filed) as member's Recent in chat, and removes
	// and returns the media member sent there since since, oldest first; once per op, in
	// one round trip.
	StartReport(ctx context.Context, op, member, chat string, r Recent, since time.Time) ([]Media, error)
	// Attach applies a to its report in one step, unless it would pass a limit; with op,
	// a replay returns the first result.
	Attach(ctx context.Context, op string, a Attachment, now time.Time) (AttachResult, error)
	// ReportMedia lists a report's kept photos and recordings, oldest first.
	ReportMedia(ctx context.Context, id int64) ([]MediaItem, error)
	// ExpireMedia removes the media metadata of every report closed before closedBefore,
	// each report in one step that also gives up its ownership of each file, marks it
	// MediaGone and writes ev to its history. It returns the files (SHA256) that nothing
	// holds any more, for the MediaSaver to delete.
	ExpireMedia(ctx context.Context, closedBefore time.Time, ev Event) ([]string, error)
}

// MediaSaver fetches a message's media from its channel and keeps the bytes outside the
// store, and deletes them when nothing holds them any more.
type MediaSaver interface {
	// Save fetches and keeps m's bytes. It fails with ErrMediaTooLarge or ErrMediaType
	// (wrapped) for bytes it refuses, and with another error when the channel could not
	// deliver them.
	Save(ctx context.Context, transport string, m Media) (MediaFile, error)
	// Drop deletes the kept file sum unless a report or a hold still has it (the store
	// is asked again once the file is set aside, so a file taken meanwhile stays).
	Drop(ctx context.Context, sum string) error
	// Sweep deletes every kept file that nothing holds at now: what a crash between the
	// store's step and the deletion left, a voice message never attached, a write cut
	// short. It returns how many files it deleted.
	Sweep(ctx context.Context, now time.Time) (int, error)
}

// JobMedia is the scheduled job that removes media past their retention period and
// sweeps files nothing holds (see mediaJob).
const JobMedia = "media"

// Errors a MediaSaver returns for bytes it refuses to keep.
var (
	ErrMediaTooLarge = errors.New("media too large")
	ErrMediaType     = errors.New("media not of the type claimed")
)

// chatKey names a chat for Recent and pending media: the group, or the private chat's
// transport and person.
func chatKey(c Chat) string {
	if !c.IsPrivate() {
		return "g:" + c.Group
	}
	who := c.Ref
	if who == "" {
		who = c.User
	}
	return "p:" + c.Transport + ":" + who
}

func kindWord(k MediaKind) string {
	switch k {
	case MediaVoice:
		return "语音"
	case MediaLocation:
		return "位置"
	}
	return "照片"
}

// handleMedia decides what a photo, voice message or location does: attach it to the
// sender's report in this chat (filed, or resolved by them, within AttachWithin), hold it
// for a 报事 that may follow, or — a voice message in a private chat — ask for text.
func (s *Service) handleMedia(ctx context.Context, t *turn) ([]Post, error) {
	md := *t.m.Media
	// Nobody may forge the marks the privacy door reads, in a transcript or a place either.
	md.Transcript, md.Place = stripMarks(md.Transcript), stripMarks(md.Place)
	if md.Kind == MediaVoice && md.Transcript != "" {
		// The channel read it: a spoken command is the command.
		if _, ok, _ := Parse(md.Transcript, s.c.BotName); ok {
			return s.spoken(ctx, t, md.Transcript)
		}
	}
	if !t.m.Chat.IsPrivate() {
		if _, ok := s.c.Group(t.m.Chat.Group); !ok {
			return nil, nil
		}
	}
	if err := s.sender(ctx, t); err != nil {
		return nil, err
	}
	if t.me.ID == "" {
		return nil, nil // not resolved (logged): the medium is dropped, not misfiled
	}
	posts, err := s.mediaTurn(ctx, t, md)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("handle %s: %w", t.op, ctx.Err())
	}
	if err != nil {
		return s.refusal(ctx, t, err), nil
	}
	return posts, nil
}

// spoken handles what a voice message said as if it had been typed.
func (s *Service) spoken(ctx context.Context, t *turn, text string) ([]Post, error) {
	m := t.m
	m.Text, m.Media = text, nil
	return s.handle(ctx, &turn{m: m, op: t.op})
}

func (s *Service) mediaTurn(ctx context.Context, t *turn, md Media) ([]Post, error) {
	chat := chatKey(t.m.Chat)
	rec, err := s.st.Recent(ctx, t.me.ID, chat)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("recent report: %w", err)
	}
	if err == nil && rec.Report != 0 && t.now.Sub(rec.At) <= s.c.AttachWithin {
		r, err := s.loadReport(ctx, rec.Report)
		if err != nil {
			return nil, err
		}
		if rec.Phase == PhaseAfter && md.Kind != MediaPhoto {
			return nil, nil // only photos show the work done
		}
		if rec.Phase == PhaseBefore && r.Status != ReportAccepted && r.Status != ReportDispatched {
			return nil, nil
		}
		return s.attach(ctx, t, r, rec.Phase, md, t.op)
	}
	if md.Kind == MediaVoice && t.m.Chat.IsPrivate() {
		return s.privateVoice(ctx, t, md)
	}
	if err := s.st.KeepPending(ctx, t.me.ID, chat, md, t.now); err != nil {
		return nil, fmt.Errorf("keep media: %w", err)
	}
	return nil, nil // a photo or place with no report yet waits for a 报事; in a group it is chat
}

// privateVoice handles a voice message in a private chat that no report is waiting for.
// The recording is kept at once (the resident meant it for us); what it says — the
// channel's transcript, or the configured speech-to-text engine's — is a command or the
// report's text. With no text, the resident is asked for one sentence, which then files
// the report with the recording attached.
func (s *Service) privateVoice(ctx context.Context, t *turn, md Media) ([]Post, error) {
	text := md.Transcript
	if md.Ref != "" && md.File == nil && s.media != nil {
		f, err := s.save(ctx, t.m.Transport, md)
		switch {
		case errors.Is(err, ErrMediaTooLarge):
			return nil, refuse(fmt.Sprintf(replyMediaTooLarge, kindWord(md.Kind)))
		case err != nil:
			s.log.WarnContext(ctx, "voice not kept", "op", t.op, "err", err)
		default:
			md.File = &f
			if text == "" {
				text = f.Transcript
			}
		}
	}
	if text != "" {
		if _, ok, _ := Parse(text, s.c.BotName); ok {
			return s.spoken(ctx, t, text)
		}
	}
	if md.File != nil || md.Ref != "" {
		if err := s.st.KeepPending(ctx, t.me.ID, chatKey(t.m.Chat), md, t.now); err != nil {
			return nil, fmt.Errorf("keep voice: %w", err)
		}
	}
	if text != "" {
		// A resident who only spoke: what they said is the report.
		return s.fileReport(ctx, t, FileReport{Text: text})
	}
	s.noteRecent(ctx, t, 0, PhaseVoice)
	return []Post{t.reply(replyVoiceAskText)}, nil
}

// textAfterVoice files a report from a private chat's plain text when the sender was just
// asked to put their voice message into words; ok is false for ordinary chat.
func (s *Service) textAfterVoice(ctx context.Context, t *turn) ([]Post, bool, error) {
	if err := s.sender(ctx, t); err != nil {
		return nil, false, err
	}
	if t.me.ID == "" {
		return nil, false, nil
	}
	rec, err := s.st.Recent(ctx, t.me.ID, chatKey(t.m.Chat))
	if err != nil || rec.Phase != PhaseVoice || t.now.Sub(rec.At) > s.c.AttachWithin {
		return nil, false, nil
	}
	text := strings.TrimSpace(t.m.Text)
	if text == "" {
		return nil, false, nil
	}
	posts, err := s.fileReport(ctx, t, FileReport{Text: text})
	if err != nil {
		return s.refusal(ctx, t, err), true, nil
	}
	return posts, true, nil
}

// attach keeps md for report r and tells the sender; op makes a replay answer the same.
func (s *Service) attach(ctx context.Context, t *turn, r Report, phase Phase, md Media, op string) ([]Post, error) {
	a := Attachment{Report: r.ID, Kind: md.Kind, Phase: phase, By: t.me.ID, Limits: s.c.MediaLimits,
		Day: t.now.In(s.c.Loc).Format("20060102")}
	who := t.me.Nick
	if r.Reporter.ID == t.me.ID {
		who = whoResident
	}
	a.Event = Event{At: t.now, Who: who}
	switch md.Kind {
	case MediaLocation:
		a.Place, a.Lat, a.Lng = md.Place, md.Lat, md.Lng
		a.Event.What = "位置：" + placeOr(md.Place)
	default:
		var f MediaFile
		var err error
		if md.File != nil {
			f = *md.File
		} else {
			f, err = s.save(ctx, t.m.Transport, md)
		}
		switch {
		case errors.Is(err, ErrMediaTooLarge):
			return nil, refuse(fmt.Sprintf(replyMediaTooLarge, kindWord(md.Kind)))
		case errors.Is(err, ErrMediaType):
			return nil, refuse(fmt.Sprintf(replyMediaType, kindWord(md.Kind)))
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// Not a silent gap: the history says a photo was sent and could not be fetched.
			s.log.WarnContext(ctx, "media fetch failed", "op", t.op, "report", r.ID, "kind", md.Kind, "err", err)
			a.Event.What = kindWord(md.Kind) + "未能获取"
			if _, err := s.st.Attach(ctx, op, a, t.now); err != nil {
				return nil, fmt.Errorf("attach to report %d: %w", r.ID, err)
			}
			return []Post{t.reply(fmt.Sprintf(replyMediaFailed, kindWord(md.Kind), r.ID))}, nil
		}
		a.File = &f
		a.Event.What = "发来" + kindWord(md.Kind)
		if phase == PhaseAfter {
			a.Event.What = "办结后照片"
		}
	}
	res, err := s.st.Attach(ctx, op, a, t.now)
	if err != nil {
		return nil, fmt.Errorf("attach to report %d: %w", r.ID, err)
	}
	switch res {
	case OverReportLimit:
		s.drop(ctx, a.File)
		return nil, refuse(fmt.Sprintf(replyMediaReportFull, r.ID))
	case OverDayLimit:
		s.drop(ctx, a.File)
		return nil, refuse(replyMediaDayFull)
	}
	if md.Kind == MediaLocation {
		return []Post{t.reply(fmt.Sprintf(replyLocationAttached, r.ID, placeOr(md.Place)))}, nil
	}
	return []Post{t.reply(fmt.Sprintf(replyMediaAttached, kindWord(md.Kind), r.ID))}, nil
}

// save fetches and keeps md's bytes; without a saver configured nothing can be fetched.
func (s *Service) save(ctx context.Context, transport string, md Media) (MediaFile, error) {
	if s.media == nil {
		return MediaFile{}, errors.New("no media storage configured")
	}
	return s.media.Save(ctx, transport, md)
}

// drop deletes a file unless another report holds the same bytes. A failure only leaves
// the file to the sweep.
func (s *Service) drop(ctx context.Context, f *MediaFile) {
	if f == nil || s.media == nil {
		return
	}
	if err := s.media.Drop(ctx, f.SHA256); err != nil {
		s.log.WarnContext(ctx, "drop media", "sha256", f.SHA256, "err", err)
	}
}

// mediaJob removes the media of reports closed more than MediaRetention ago (none when
// it is zero) and then sweeps the files nothing holds. The order makes it crash-safe:
// the store gives up a report's ownership of its files first, in one step, and only
// then are the files nothing holds deleted; a crash between the two leaves a file
// without owner, never an owner without its file, and the sweep deletes such files at
// its next run. It posts nothing: the history of each report says its media are gone.
func (s *Service) mediaJob(ctx context.Context, now time.Time) ([]Post, error) {
	if s.media == nil {
		return nil, nil
	}
	var expireErr error
	if s.c.MediaRetention > 0 {
		var freed []string
		freed, expireErr = s.st.ExpireMedia(ctx, now.Add(-s.c.MediaRetention), Event{At: now, Who: whoSystem, What: eventMediaGone})
		for _, sum := range freed {
			s.drop(ctx, &MediaFile{SHA256: sum}) // a failure is the sweep's, below or next time
		}
	}
	// A disk that refuses a deletion is logged, not retried every tick: the next run's
	// sweep tries again. The store failing is the job failing: its slot runs again.
	n, err := s.media.Sweep(ctx, now)
	if err != nil {
		s.log.WarnContext(ctx, "media sweep", "err", err)
	}
	if n > 0 {
		s.log.InfoContext(ctx, "media sweep", "deleted", n)
	}
	if expireErr != nil {
		return nil, fmt.Errorf("media retention: %w", expireErr)
	}
	return nil, nil
}

// attachPending attaches what the reporter sent just before filing r, and makes what
// they send next attach to r.
func (s *Service) attachPending(ctx context.Context, t *turn, r Report) ([]Post, string, bool) {
	pend, err := s.st.StartReport(ctx, t.op+":pending", t.me.ID, chatKey(t.m.Chat),
		Recent{Report: r.ID, Phase: PhaseBefore, At: t.now}, t.now.Add(-s.c.AttachWithin))
	if err != nil {
		s.log.ErrorContext(ctx, "take pending media", "op", t.op, "err", err)
		return nil, "", false
	}
	var posts []Post
	place := ""
	for i, md := range pend {
		if md.Kind == MediaLocation && r.Place == "" && place == "" {
			place = md.Place
		}
		ps, err := s.attach(ctx, t, r, PhaseBefore, md, fmt.Sprintf("%s:pending:%d", t.op, i))
		var ref *Refusal
		switch {
		case errors.As(err, &ref):
			posts = append(posts, t.reply(ref.Text))
		case err != nil:
			s.log.ErrorContext(ctx, "attach pending media", "op", t.op, "err", err)
		}
		if len(ps) > 0 && ps[0].Text == fmt.Sprintf(replyMediaFailed, kindWord(md.Kind), r.ID) {
			posts = append(posts, ps...) // the filing reply counts only what was kept
		}
	}
	return posts, place, len(pend) > 0
}

// noteRecent records what the speaker's photos in this chat attach to from now on.
func (s *Service) noteRecent(ctx context.Context, t *turn, report int64, phase Phase) {
	if err := s.st.NoteRecent(ctx, t.me.ID, chatKey(t.m.Chat), Recent{Report: report, Phase: phase, At: t.now}); err != nil {
		s.log.ErrorContext(ctx, "note recent report", "op", t.op, "err", err)
	}
}

// afterCommand notes, after 办结 or a linked task's 完成, that the speaker's next photos
// here are after-photos of the report.
func (s *Service) afterCommand(ctx context.Context, t *turn, cmd Command) {
	switch c := cmd.(type) {
	case Resolve:
		s.noteRecent(ctx, t, c.Report, PhaseAfter)
	case Complete:
		task, err := s.st.Task(ctx, c.Task)
		if err == nil && task.Report != 0 {
			s.noteRecent(ctx, t, task.Report, PhaseAfter)
		}
	}
}

// mediaLine is 进度's "照片 2 张（1 张办结后）/ 语音 1 条", or "" when nothing is attached.
func mediaLine(r Report) string {
	var parts []string
	if r.Photos > 0 {
		p := fmt.Sprintf("照片 %d 张", r.Photos)
		if r.AfterPhotos > 0 {
			p += fmt.Sprintf("（%d 张办结后）", r.AfterPhotos)
		}
		parts = append(parts, p)
	}
	if r.Voices > 0 {
		parts = append(parts, fmt.Sprintf("语音 %d 条", r.Voices))
	}
	if len(parts) > 0 && !r.MediaGone.IsZero() {
		return strings.Join(parts, " / ") + mediaGoneNote
	}
	return strings.Join(parts, " / ")
}

// mediaLineOf reads report id's media line after attaching; a failed read only shortens
// the reply.
func (s *Service) mediaLineOf(ctx context.Context, id int64) string {
	r, err := s.st.Report(ctx, id)
	if err != nil {
		return ""
	}
	return mediaLine(r)
}
