package brief

import (
	"fmt"
	"strings"
	"time"
)

// MaxLines is how many lines each list of the page shows before "and N
// more": with the headline, it keeps the page to one printed page.
const MaxLines = 8

// mdEscape makes untrusted text inert in CommonMark: the punctuation that
// starts code, links, images, HTML, a heading or a table cell gets a
// backslash, and line breaks become spaces. Emphasis characters are left
// alone: at worst they render as emphasis, and identifiers such as
// usar_team stay readable as plain text.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`[]<>|#", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hm(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("02 Jan 15:04")
}

// Markdown is the brief as a one-page Markdown (CommonMark) document:
// the headline numbers first, then each list cut to MaxLines lines. Times
// are in UTC.
func (b Brief) Markdown() string {
	var w strings.Builder
	h := b.Headline
	fmt.Fprintf(&w, "# Situation brief — %s\n\n", mdEscape(b.Incident))
	fmt.Fprintf(&w, "As of %s UTC.", b.At.UTC().Format("2006-01-02 15:04"))
	if b.Public {
		w.WriteString(" Public version: records restricted to the parties are not shown.")
	}
	w.WriteString("\n\n")
	fmt.Fprintf(&w, "- **Requests open:** %d (%d urgent or high priority, %d overdue)\n", h.OpenRequests, h.UrgentUnfulfilled, h.Overdue)
	fmt.Fprintf(&w, "- **Offers awaiting a decision:** %d; **duplicates flagged:** %d\n", h.OffersAwaiting, h.DuplicateOffers)
	fmt.Fprintf(&w, "- **Teams on site:** %d; **en route:** %d\n", h.TeamsOnSite, h.TeamsEnRoute)
	fmt.Fprintf(&w, "- **Buildings:** %d — red %d (%d without a team), yellow %d, green %d, not assessed %d\n",
		h.Buildings, h.Red, h.RedWithoutTeam, h.Yellow, h.Green, h.Unassessed)
	if !b.Public {
		fmt.Fprintf(&w, "- **Trapped persons reported:** %d\n", h.TrappedReported)
	}
	fmt.Fprintf(&w, "- **Safe areas:** %d; **hazards:** %d; **decisions pending:** %d\n", h.SafeAreas, h.Hazards, h.PendingDecisions)

	section := func(title string, n int, header string, line func(i int) string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&w, "\n## %s\n\n", title)
		if header != "" {
			w.WriteString(header)
		}
		for i := 0; i < n && i < MaxLines; i++ {
			w.WriteString(line(i))
			w.WriteByte('\n')
		}
		if n > MaxLines {
			fmt.Fprintf(&w, "\n… and %d more.\n", n-MaxLines)
		}
	}
	section("Requests", len(b.Requests), "| Request | From | What | Priority | Committed / arrived / requested | Needed by |\n|---|---|---|---|---|---|\n",
		func(i int) string {
			r := b.Requests[i]
			due := hm(r.NeededBy)
			if r.Overdue {
				due += " **overdue**"
			}
			return fmt.Sprintf("| %s | %s | %s | %s | %d / %d / %d (%s) | %s |", mdEscape(r.ID), mdEscape(r.From), mdEscape(r.What),
				r.Priority, r.Committed, r.Arrived, r.Requested, r.Fulfilment, due)
		})
	section("Offers to decide", len(b.Offers), "| Offer | For | From | What | Status | ETA |\n|---|---|---|---|---|---|\n",
		func(i int) string {
			o := b.Offers[i]
			st := string(o.Status)
			if o.Duplicate != "" {
				st += " — **duplicate**: " + mdEscape(o.Duplicate)
			}
			req := o.RequestID
			if req == "" {
				req = "—"
			}
			return fmt.Sprintf("| %s | %s | %s | %d × %s | %s | %s |", mdEscape(o.ID), mdEscape(req), mdEscape(o.Org), o.Quantity,
				mdEscape(o.What), st, hm(o.ETA))
		})
	section("Teams", len(b.Teams), "", func(i int) string {
		t := b.Teams[i]
		s := fmt.Sprintf("- %s (%s, %s): %s", mdEscape(t.ID), mdEscape(t.Org), t.Kind, strings.ReplaceAll(string(t.Status), "_", " "))
		if t.Worksite != "" {
			s += " at " + mdEscape(t.Worksite)
		}
		if t.Status == "en_route" && !t.ETA.IsZero() {
			s += ", ETA " + hm(t.ETA)
		}
		return s
	})
	section("Red buildings", len(b.RedBuildings), "", func(i int) string {
		bl := b.RedBuildings[i]
		s := "- " + mdEscape(bl.ID)
		if bl.Name != "" {
			s += " " + mdEscape(bl.Name)
		}
		if bl.Team != "" {
			s += ": team " + mdEscape(bl.Team)
		} else {
			s += ": **no team**"
		}
		if bl.Trapped > 0 {
			s += fmt.Sprintf(", %d trapped", bl.Trapped)
		}
		return s
	})
	section("Safe areas", len(b.SafeAreas), "", func(i int) string {
		a := b.SafeAreas[i]
		return fmt.Sprintf("- %s: %s", mdEscape(a.Kind), mdEscape(a.Name))
	})
	section("Hazards", len(b.Hazards), "", func(i int) string {
		hz := b.Hazards[i]
		s := "- " + mdEscape(hz.Kind)
		if hz.BuildingID != "" {
			s += " at " + mdEscape(hz.BuildingID)
		}
		if hz.Detail != "" {
			s += ": " + mdEscape(hz.Detail)
		}
		return s
	})
	section("Decisions pending", len(b.Pending), "", func(i int) string {
		pd := b.Pending[i]
		return fmt.Sprintf("- %s (raised by %s, %s)", mdEscape(pd.Text), mdEscape(pd.RaisedBy), hm(pd.Since))
	})
	if items := Agenda(b); len(items) > 0 {
		w.WriteString("\n## Proposed agenda\n\n")
		for i, it := range items {
			fmt.Fprintf(&w, "%d. %s\n", i+1, mdEscape(it.Title))
		}
	}
	return w.String()
}
