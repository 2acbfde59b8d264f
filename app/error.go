package app

import (
	"bytes"
	"errors"
	"fmt"
	"text/template"
)

// Error codes. They cross the sync wire and are stored in conflict records,
// so they are strings and must never be renamed.
const (
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the action clashes with the current state
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EREVOKED      = "revoked"      // the device was removed from the service: it wipes its local copy
	EFORBIDDEN    = "forbidden"    // valid credentials, outside the caller's scope
	EOFFLINE      = "offline"      // the network or the server cannot be reached
	EINTERNAL     = "internal"     // a bug or an environment failure
	ELOCKED       = "locked"       // another process holds the resource
	ECORRUPT      = "corrupt"      // a file is damaged
	ETOONEW       = "too_new"      // a file or message is from a newer app version
	ETHROTTLED    = "throttled"    // too many attempts: wait (Data "Seconds") and try again
	ELEASE        = "lease"        // the device has not reached the server within its lease: its customer data stays locked until it syncs
)

// Error is Fieldbench's one error type. Key names a translation (the UI
// looks it up with lang.X(Key, Message, Data)); Message is the English text,
// a Go template over Data, so every layer can show the same words and the UI
// can translate them.
type Error struct {
	Code    string
	Key     string
	Message string
	Data    map[string]any
	Err     error // the cause, for logs; never shown to a user
}

// Errorf returns an *Error with the given code, translation key and English
// message template. Data pairs are given as key, value, key, value.
func Errorf(code, key, message string, kv ...any) *Error {
	e := &Error{Code: code, Key: key, Message: message}
	if len(kv) > 0 {
		e.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return e
}

// WithCause returns a copy of e that wraps cause for logs and errors.Is.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// Error renders the English message with its data.
func (e *Error) Error() string {
	msg := e.Text()
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Text renders the English message with its data, without the cause.
func (e *Error) Text() string {
	if len(e.Data) == 0 {
		return e.Message
	}
	return RenderTemplate(e.Message, e.Data)
}

// Unwrap gives the cause.
func (e *Error) Unwrap() error { return e.Err }

// RenderTemplate fills a message template; a broken template is returned as is.
func RenderTemplate(msg string, data map[string]any) string {
	t, err := template.New("").Option("missingkey=zero").Parse(msg)
	if err != nil {
		return msg
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return msg
	}
	return b.String()
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Refused reports whether err is a rule refusing the data it found (the
// input is invalid, clashes with the current state, is outside the actor's
// scope, or names something that does not exist): the same answer on any
// retry, as opposed to a failure of a database, a disk or the network. The
// device rolls back a refused replay and keeps it queued; the server turns
// a refused push into a conflict and goes on with the batch.
func Refused(err error) bool {
	switch ErrorCode(err) {
	case EINVALID, ECONFLICT, EFORBIDDEN, ENOTFOUND:
		return true
	}
	return false
}

// ErrorMessage returns the English text of the first *Error in err's chain,
// or a generic message for any other error: internal details stay in logs.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Text()
	}
	return "Internal error."
}

// AsError returns the first *Error in err's chain, or an internal one
// wrapping err. It returns nil for nil.
func AsError(err error) *Error {
	var e *Error
	if err == nil {
		return nil
	} else if errors.As(err, &e) {
		return e
	}
	return Errorf(EINTERNAL, "error.internal", "Internal error. Please try again; if it keeps happening, contact support.").WithCause(err)
}
