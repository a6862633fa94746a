// Package push sends assessment reports from a field laptop to the hub
// (POST /api/v1/assessments) so that no survey is ever lost: a report the
// hub cannot take now — no route to it, a timeout, a 5xx — is copied into
// a spool directory (written to a temp file, synced, renamed, so a crash
// leaves either the whole report or nothing), and [Client.Flush] sends the
// spool later, removing each file only after the hub acknowledged it. The
// hub keys reports by id, so sending one twice is harmless.
//
// A report the hub refuses (4xx: malformed, wrong token) is not spooled
// by Push — sending it again would not help — and stays in the spool on
// Flush, with the hub's reason.
package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/struna/struna/report"
)

// Client pushes reports to one hub.
type Client struct {
	Hub   string       // the hub's base URL, e.g. http://10.1.0.2:8080
	Token string       // bearer token (role field or higher)
	HTTP  *http.Client // default: 30 s timeout, no redirects
	Spool string       // spool directory; see DefaultSpoolDir
}

// Outcome is what happened to one report.
type Outcome int

const (
	Sent     Outcome = iota // the hub stored it (201)
	Known                   // the hub already had it (200)
	Spooled                 // the hub could not be reached; the report is in the spool
	Rejected                // the report or the request is wrong (4xx, or not a report)
	Kept                    // Flush: the hub could not be reached; the report stays in the spool
)

func (o Outcome) String() string {
	return [...]string{"sent", "already on the hub", "spooled", "rejected", "kept in spool"}[o]
}

// Result is the fate of one report.
type Result struct {
	Name       string // the file (or spool entry) it came from
	ID         string // the report id, when the report could be read
	BuildingID string
	Placard    string
	Outcome    Outcome
	Status     int    // the hub's HTTP status, 0 if it did not answer
	SpoolPath  string // where a spooled report is
	Err        error  // why it was spooled, kept or rejected
}

// UnreachableError means the hub did not take the report for a reason
// that may pass: no connection, a timeout, an overloaded or failing hub.
type UnreachableError struct {
	Status int // 0 when there was no answer
	Err    error
}

func (e *UnreachableError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("hub answered %d: %v", e.Status, e.Err)
	}
	return "hub unreachable: " + e.Err.Error()
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// RejectedError is the hub refusing a report (4xx): sending it again will
// not help.
type RejectedError struct {
	Status int
	Msg    string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("hub refused the report (%d %s): %s", e.Status, http.StatusText(e.Status), e.Msg)
}

// Ack is the hub's answer to a stored report.
type Ack struct {
	ID         string `json:"id"`
	BuildingID string `json:"building_id"`
	Placard    string `json:"placard"`
	New        bool   `json:"-"` // 201 rather than 200
}

// DefaultSpoolDir is $XDG_STATE_HOME/struna/spool, or
// ~/.local/state/struna/spool when XDG_STATE_HOME is unset.
func DefaultSpoolDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "struna", "spool"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("spool directory: %w (give --spool)", err)
	}
	return filepath.Join(home, ".local", "state", "struna", "spool"), nil
}

// HTTPClient is the default client with another timeout per request.
func HTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		// A redirected POST would become a GET; treat it as an answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return HTTPClient(30 * time.Second)
}

func (c *Client) endpoint() (string, error) {
	u, err := url.Parse(c.Hub)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("hub URL %q is not http(s)://HOST[:PORT]", c.Hub)
	}
	return strings.TrimRight(u.String(), "/") + "/api/v1/assessments", nil
}

// Send posts one report and returns the hub's acknowledgement, an
// *UnreachableError, a *RejectedError, or an error about the client's
// own configuration.
func (c *Client) Send(ctx context.Context, body []byte) (Ack, error) {
	ep, err := c.endpoint()
	if err != nil {
		return Ack{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep, bytes.NewReader(body))
	if err != nil {
		return Ack{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return Ack{}, &UnreachableError{Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		// The hub may have stored it; resending is harmless.
		return Ack{}, &UnreachableError{Status: resp.StatusCode, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	msg := func() string {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return e.Error
		}
		return strings.TrimSpace(string(data))
	}
	switch sc := resp.StatusCode; {
	case sc == http.StatusOK || sc == http.StatusCreated:
		var ack Ack
		if err := json.Unmarshal(data, &ack); err != nil || ack.ID == "" {
			return Ack{}, &UnreachableError{Status: sc, Err: fmt.Errorf("the answer is not a hub's: %.100q", data)}
		}
		ack.New = sc == http.StatusCreated
		return ack, nil
	case sc >= 500 || sc == http.StatusRequestTimeout || sc == http.StatusTooManyRequests:
		return Ack{}, &UnreachableError{Status: sc, Err: errors.New(msg())}
	default:
		return Ack{}, &RejectedError{Status: sc, Msg: msg()}
	}
}

// deliver checks a report and sends it. It sets the outcome Sent, Known
// or Rejected; when the hub cannot be reached it returns that error and
// leaves the outcome to the caller (Push spools, Flush keeps).
func (c *Client) deliver(ctx context.Context, name string, body []byte) (Result, *UnreachableError) {
	res := Result{Name: name}
	rep, err := report.Decode(bytes.NewReader(body), name)
	if err != nil {
		res.Outcome, res.Err = Rejected, oneLine(err)
		return res, nil
	}
	res.ID, res.BuildingID, res.Placard = rep.ID, rep.Building.ID, rep.Placard
	ack, err := c.Send(ctx, body)
	var un *UnreachableError
	var rj *RejectedError
	switch {
	case err == nil:
		res.Outcome, res.Status, res.Placard = Known, http.StatusOK, ack.Placard
		if ack.New {
			res.Outcome, res.Status = Sent, http.StatusCreated
		}
	case errors.As(err, &un):
		res.Status, res.Err = un.Status, err
		return res, un
	case errors.As(err, &rj):
		res.Outcome, res.Status, res.Err = Rejected, rj.Status, err
	default:
		res.Outcome, res.Err = Rejected, err
	}
	return res, nil
}

// Push sends a report read from name. If the hub cannot be reached the
// report goes to the spool (Outcome Spooled); the result says where.
func (c *Client) Push(ctx context.Context, name string, body []byte) Result {
	res, un := c.deliver(ctx, name, body)
	if un == nil {
		return res
	}
	p, serr := c.spool(res.ID, body)
	if serr != nil {
		// Neither sent nor kept: the caller must know.
		res.Outcome, res.Err = Rejected, fmt.Errorf("%v; and the spool failed: %w", un, serr)
		return res
	}
	res.Outcome, res.SpoolPath = Spooled, p
	return res
}

// oneLine joins the lines of a multi-line error (errors.Join) with "; ".
func oneLine(err error) error {
	if msg := err.Error(); strings.Contains(msg, "\n") {
		return errors.New(strings.ReplaceAll(msg, "\n", "; "))
	}
	return err
}

// spoolName turns a report id into a file name: ids are content hashes,
// but anything else is made safe.
func spoolName(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if len(s) > 150 {
		s = s[:150]
	}
	if s == "" {
		s = "report"
	}
	return s + ".json"
}

// spool writes body to the spool atomically: temp file, fsync, rename,
// fsync of the directory.
func (c *Client) spool(id string, body []byte) (string, error) {
	if c.Spool == "" {
		return "", errors.New("no spool directory")
	}
	if err := os.MkdirAll(c.Spool, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(c.Spool, ".incoming-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", err
	}
	if _, err := f.Write(body); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	dst := filepath.Join(c.Spool, spoolName(id))
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if d, err := os.Open(c.Spool); err == nil {
		d.Sync()
		d.Close()
	}
	return dst, nil
}

// Spooled lists the reports waiting in the spool, oldest first.
func (c *Client) Spooled() ([]string, error) {
	ents, err := os.ReadDir(c.Spool)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	type entry struct {
		path string
		mod  time.Time
	}
	var es []entry
	for _, e := range ents {
		n := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".json") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		es = append(es, entry{filepath.Join(c.Spool, n), info.ModTime()})
	}
	sort.Slice(es, func(i, j int) bool {
		if !es[i].mod.Equal(es[j].mod) {
			return es[i].mod.Before(es[j].mod)
		}
		return es[i].path < es[j].path
	})
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.path
	}
	return out, nil
}

// Flush sends every spooled report, oldest first, removing each file only
// after the hub acknowledged it (200 or 201). A report the hub refuses
// stays, with the reason in its result. If the hub cannot be reached,
// Flush stops: the report and all after it stay (Outcome Kept), and the
// error says so.
func (c *Client) Flush(ctx context.Context) ([]Result, error) {
	files, err := c.Spooled()
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", c.Spool, err)
	}
	var out []Result
	for i, path := range files {
		res := Result{Name: path}
		body, err := os.ReadFile(path)
		if err != nil {
			res.Outcome, res.Err = Rejected, err
			out = append(out, res)
			continue
		}
		res, un := c.deliver(ctx, path, body)
		switch {
		case un != nil:
			res.Outcome = Kept
			out = append(out, res)
			for _, rest := range files[i+1:] {
				out = append(out, Result{Name: rest, Outcome: Kept, Err: un})
			}
			return out, fmt.Errorf("%w; %d report(s) stay in %s", un, len(files)-i, c.Spool)
		case res.Outcome == Sent || res.Outcome == Known:
			if rerr := os.Remove(path); rerr != nil {
				res.Err = fmt.Errorf("sent, but could not remove it from the spool: %w", rerr)
			}
		}
		out = append(out, res)
	}
	return out, nil
}
