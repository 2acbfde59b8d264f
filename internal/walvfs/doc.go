// Package walvfs registers an SQLite VFS that is the platform's own, except
// that a write-ahead log's frames reach the file in one write per commit.
//
// SQLite appends a commit's frames to the log with two writes each, the
// 24-byte frame header and then the page (walWriteOneFrame), and syncs the
// log once after the last. A part use writes seven or eight frames, so its
// commit is some fifteen write(2) calls before its sync; each is a system
// call, and the disk then takes them as that many requests
// (docs/BENCHMARKS.md, "The log's frames in one write"). This VFS gathers
// the writes to a log that continue each other and hands them to the
// platform's VFS as one write when the commit's last frame is complete.
//
// What SQLite reads stays what it wrote:
//   - Only a write that continues the log's last one is gathered: the
//     frames SQLite appends, each header and then its page. Any other write
//     (a log's header when the log begins again, a page overwritten in
//     place by a later change in the same transaction, a header rewritten
//     with a new checksum) writes what is gathered and then goes to the
//     file at once. A gathering that would pass MaxGathered bytes is
//     written first. So writes reach the file in SQLite's order, and
//     nothing but appended frames ever waits here.
//   - The commit's last frame is the one whose header carries the database
//     size after the commit (the WAL format's "commit frame", bytes 4-7 of
//     the frame header, not zero). The gathered writes go to the file as
//     soon as that frame's page is in, inside sqlite3WalFrames, before the
//     sync and before the frames are published in the log's index: another
//     connection never finds a committed frame that is not in the file, at
//     any synchronous setting, and a process killed after a commit leaves
//     all of it in the file.
//   - Everything else that looks at the file first writes what is gathered:
//     a read, a sync, a truncation, its size, a file control, and the close.
//     Only the frames of a transaction not yet committed can wait past the
//     call that wrote them.
//   - A failed write is reported to SQLite by the call that made it, as the
//     platform VFS reports it, and what was gathered is dropped: SQLite
//     rolls the transaction back, and frames past the last commit are never
//     read.
//
// Durability is SQLite's: a commit returns after the log's sync, and the
// sync comes after the one write. Only the log's files are wrapped; the
// database file, its shared memory and its locks are the platform VFS's
// own, untouched.
package walvfs
