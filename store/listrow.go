package store

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// A ticket row's list_row (0011_ticket_rows.sql) is what a list shows of
// the ticket in one column: a JSON array of listRowStrings strings (id,
// number, customer name, address, city, brand, model, status) and then
// listRowTimes times in nanoseconds since 1970, null for none (window
// start, window end, resolve by, promised at, started at). One column,
// parsed here, costs a fraction of a dozen columns read through the
// driver. A row written before started at was kept (0011's, or an older
// app's) ends after promised at: it reads as not started, until the
// ticket is written again.
const (
	listRowStrings = 8
	listRowTimes   = 5
	listRowOlder   = 1 // times a row written before started at lacks
)

// encodeListRow is the list_row of r.
func encodeListRow(r app.TicketRow) (string, error) {
	b, err := json.Marshal([listRowStrings + listRowTimes]any{
		string(r.ID), r.Number, r.CustomerName, r.Address, r.City, r.Brand, r.Model, string(r.Status),
		nsec(r.WindowStart), nsec(r.WindowEnd), nsec(r.ResolveBy), nsec(r.PromisedAt), nsec(r.StartedAt)})
	return string(b), err
}

var errListRow = errors.New("list_row is not the array of a ticket's list row")

// decodeListRow parses a list_row as SQLite's json_array and Go's
// encoding/json write it: no white space, strings copied as they are
// unless they hold an escape.
func decodeListRow(s string) (app.TicketRow, error) {
	var strs [listRowStrings]string
	var times [listRowTimes]time.Time
	if !strings.HasPrefix(s, "[") {
		return app.TicketRow{}, errListRow
	}
	i := 1
	for f := range listRowStrings + listRowTimes {
		if f == listRowStrings+listRowTimes-listRowOlder && s[i:] == "]" {
			break // an older row: no started at
		}
		if f > 0 {
			if i >= len(s) || s[i] != ',' {
				return app.TicketRow{}, errListRow
			}
			i++
		}
		var ok bool
		if f < listRowStrings {
			strs[f], i, ok = listRowString(s, i)
		} else {
			times[f-listRowStrings], i, ok = listRowTime(s, i)
		}
		if !ok {
			return app.TicketRow{}, errListRow
		}
	}
	if s[i:] != "]" {
		return app.TicketRow{}, errListRow
	}
	return app.TicketRow{ID: app.TicketID(strs[0]), Number: strs[1], CustomerName: strs[2], Address: strs[3],
		City: strs[4], Brand: strs[5], Model: strs[6], Status: app.Status(strs[7]),
		WindowStart: times[0], WindowEnd: times[1], ResolveBy: times[2], PromisedAt: times[3], StartedAt: times[4]}, nil
}

// listRowString reads the JSON string at s[i:], returning it and the
// index after it.
func listRowString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return s[i+1 : j], j + 1, true
			}
			var out string
			err := json.Unmarshal([]byte(s[i:j+1]), &out)
			return out, j + 1, err == nil
		}
	}
	return "", i, false
}

// listRowTime reads the nanoseconds or null at s[i:] as a time (the zero
// time for null), returning it and the index after it.
func listRowTime(s string, i int) (time.Time, int, bool) {
	if strings.HasPrefix(s[i:], "null") {
		return time.Time{}, i + 4, true
	}
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(s[i:j], 10, 64)
	if err != nil {
		return time.Time{}, i, false
	}
	return time.Unix(0, n).UTC(), j, true
}
