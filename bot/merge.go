package bot

import (
	"slices"

	"github.com/changzheng/chorus/dispatch"
)

// mentionCost is what one mention adds to a text at most: "@", the name and a separator
// (WeChat's four-per-em space is 3 bytes).
const mentionCost = 4

// lineSize is how many bytes a line takes in a post, with its mentions and a line break.
func lineSize(l dispatch.Line) int {
	n := len(l.Text) + 1
	for _, m := range l.Mentions {
		n += len(m) + mentionCost
	}
	return n
}

// postSize is lineSize of a whole post written as one line.
func postSize(p dispatch.Post) int {
	if len(p.Lines) == 0 {
		return lineSize(dispatch.Line{Mentions: p.Mentions, Text: p.Text})
	}
	n := 0
	for _, l := range p.Lines {
		n += lineSize(l)
	}
	return n
}

// mergeAnswers makes one post of answers to one chat, in the order they were queued:
// each answer is a line that mentions its own people before its own outcome, and answers
// with the same words share a line ("@雷胜 @马丽 已退出 #12"). The first answer's ReplyTo
// is kept, so a transport that answers messages directly still can.
func mergeAnswers(posts []dispatch.Post) dispatch.Post {
	if len(posts) == 1 {
		return posts[0]
	}
	out := dispatch.Post{Chat: posts[0].Chat, ReplyTo: posts[0].ReplyTo}
	at := map[string]int{} // text -> its line
	for _, p := range posts {
		lines := p.Lines
		if len(lines) == 0 {
			lines = []dispatch.Line{{Mentions: p.Mentions, Text: p.Text}}
		}
		for _, l := range lines {
			if i, ok := at[l.Text]; ok && len(l.Mentions) > 0 && len(out.Lines[i].Mentions) > 0 {
				for _, m := range l.Mentions {
					if !slices.Contains(out.Lines[i].Mentions, m) {
						out.Lines[i].Mentions = append(out.Lines[i].Mentions, m)
					}
				}
			} else {
				at[l.Text] = len(out.Lines)
				out.Lines = append(out.Lines, dispatch.Line{Mentions: slices.Clone(l.Mentions), Text: l.Text})
			}
			for _, m := range l.Mentions {
				if !slices.Contains(out.Mentions, m) {
					out.Mentions = append(out.Mentions, m)
				}
			}
		}
	}
	return out
}

// mergeSlots makes the scheduled posts of one slot to one chat a single post (the
// morning's assignments and duties to a group, say): each post's text is a line, after
// its own mentions, with a blank line between them. Other posts keep their place; a
// merged post takes the place of the first of its parts.
// Only posts merge accepts are merged (those whose route merges).
func mergeSlots(posts []dispatch.Post, merge func(dispatch.Post) bool) []dispatch.Post {
	type slot struct {
		chat dispatch.Chat
		at   int64
	}
	first := map[slot]int{}
	var out []dispatch.Post
	for _, p := range posts {
		if !p.Scheduled || len(p.Lines) > 0 || !merge(p) {
			out = append(out, p)
			continue
		}
		k := slot{p.Chat, p.At.UnixNano()}
		i, ok := first[k]
		if !ok {
			first[k] = len(out)
			out = append(out, p)
			continue
		}
		m := &out[i]
		if len(m.Lines) == 0 {
			m.Lines = []dispatch.Line{{Mentions: m.Mentions, Text: m.Text}}
			m.Text = ""
			m.Mentions = slices.Clone(m.Mentions)
		}
		m.Lines = append(m.Lines, dispatch.Line{}, dispatch.Line{Mentions: p.Mentions, Text: p.Text})
		for _, n := range p.Mentions {
			if !slices.Contains(m.Mentions, n) {
				m.Mentions = append(m.Mentions, n)
			}
		}
	}
	return out
}

// splitPost cuts a post into posts of at most limit bytes (limit <= 0: whole); a plain
// post's text is cut as Split cuts it, its mentions not counted. A merged
// post is cut between lines, so each person's mention stays with their outcome; a
// single line too long for one post is cut with Split, mentioning its people in the first
// part only.
func splitPost(p dispatch.Post, limit int) []dispatch.Post {
	if len(p.Lines) == 0 {
		var out []dispatch.Post
		for i, part := range Split(p.Text, limit) {
			q := p
			q.Text = part
			if i > 0 {
				q.Mentions, q.ReplyTo, q.Card = nil, "", nil // mention once, answer once, one card
			}
			out = append(out, q)
		}
		return out
	}
	if limit <= 0 || postSize(p) <= limit+1 {
		return []dispatch.Post{p}
	}
	var out []dispatch.Post
	cur := dispatch.Post{Chat: p.Chat, ReplyTo: p.ReplyTo, Scheduled: p.Scheduled, At: p.At}
	size := 0
	flush := func() {
		// A blank line left at either end of a part is not worth a line of its own.
		for len(cur.Lines) > 0 && cur.Lines[0].Text == "" && len(cur.Lines[0].Mentions) == 0 {
			cur.Lines = cur.Lines[1:]
		}
		for n := len(cur.Lines); n > 0 && cur.Lines[n-1].Text == "" && len(cur.Lines[n-1].Mentions) == 0; n-- {
			cur.Lines = cur.Lines[:n-1]
		}
		if len(cur.Lines) > 0 {
			for _, l := range cur.Lines {
				for _, m := range l.Mentions {
					if !slices.Contains(cur.Mentions, m) {
						cur.Mentions = append(cur.Mentions, m)
					}
				}
			}
			out = append(out, cur)
		}
		cur = dispatch.Post{Chat: p.Chat, Scheduled: p.Scheduled, At: p.At}
		size = 0
	}
	for _, l := range p.Lines {
		n := lineSize(l)
		if n > limit+1 { // a line too long for a post of its own: cut it
			flush()
			for _, q := range splitPost(dispatch.Post{Chat: p.Chat, Text: l.Text, Mentions: l.Mentions, Scheduled: p.Scheduled, At: p.At}, limit) {
				out = append(out, q)
			}
			continue
		}
		if size+n > limit+1 {
			flush()
		}
		cur.Lines = append(cur.Lines, l)
		size += n
	}
	flush()
	return out
}
