package walvfs

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Name is the VFS's name, for a DSN's vfs parameter (after Register).
const Name = "fieldbench-wal"

// MaxGathered bounds the bytes gathered for one log file before they are
// written: the most the platform VFS writes in one call (os_unix.c's
// seekAndWrite masks a write's length with 0x1ffff), 31 frames of 4 KiB
// pages. A commit larger than that (a migration, a first sync's load) is
// written in pieces of at most this size.
const MaxGathered = 0x1ffff

// frameHeaderSize is the size of a WAL frame's header (the WAL format's
// 24 bytes: page number, database size after a commit, salts, checksums).
const frameHeaderSize = 24

type (
	vfsT     = sqlite3.Tsqlite3_vfs
	methodsT = sqlite3.Tsqlite3_io_methods
	fileT    = sqlite3.Tsqlite3_file
)

var (
	registerOnce sync.Once
	registerErr  error

	// base is the platform's VFS, wrapped; baseMethods the methods of the
	// log files it opens, and methods their wrapped copy. Set once by
	// Register and at the first log's open, read only after. The VFS and
	// the methods live in the C library's memory, for the life of the
	// process: SQLite keeps pointers to them, and does arithmetic on them
	// that Go's checks (-race, -d=checkptr) refuse on Go's memory.
	base        uintptr
	baseMethods uintptr
	methods     uintptr
	methodsOnce sync.Once

	// logs holds each open, wrapped log file's gathered writes, by the
	// file's address.
	logs sync.Map // uintptr -> *gathered

	// logWrites counts the writes this package hands the platform VFS
	// (Writes); failWrite, when set (by a test), fails the next one.
	logWrites atomic.Int64
	failWrite atomic.Bool
)

// gathered is one log file's writes not yet in the file: data to be
// written at offset off. A file is used by one connection at a time
// (SQLite holds the connection's mutex around every call), so its
// gathered needs no lock of its own.
type gathered struct {
	// data is MaxGathered bytes of the C library's memory, taken at the
	// first write and given back at the close; n of them are gathered.
	data uintptr
	n    int
	off  int64
	// end is where the last write to the log ended, gathered or not: a
	// write that starts there continues it.
	end int64
	// commitNext: the last write was the header of a commit frame; the
	// next write is its page, after which everything is written.
	commitNext bool
}

// Register registers the VFS under Name (not as the default), once per
// process. It wraps the platform's default VFS.
func Register() error {
	registerOnce.Do(func() { registerErr = register() })
	return registerErr
}

func register() error {
	tls := libc.NewTLS()
	defer tls.Close()
	base = sqlite3.Xsqlite3_vfs_find(tls, 0)
	if base == 0 {
		return fmt.Errorf("walvfs: SQLite has no default VFS")
	}
	// The struct and its name live for the process: SQLite keeps pointers
	// to both in its list of VFSes and in every connection.
	pv := malloc(tls, libc.Xmalloc, unsafe.Sizeof(vfsT{}))
	if pv == 0 {
		return fmt.Errorf("walvfs: out of memory")
	}
	v := (*vfsT)(ptr(pv))
	*v = *(*vfsT)(ptr(base))
	v.FpNext = 0
	name, err := libc.CString(Name)
	if err != nil {
		return fmt.Errorf("walvfs: %w", err)
	}
	v.FzName = name
	*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&v.FxOpen)) = open
	if rc := sqlite3.Xsqlite3_vfs_register(tls, pv, 0); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("walvfs: registering the VFS: SQLite error %d", rc)
	}
	return nil
}

// Writes is the number of writes to log files this VFS has handed the
// platform's VFS since the process started: one per commit, plus one
// per MaxGathered bytes of a larger one and one for a log's header. The
// store's tests read it to check that its writer opens through the VFS,
// and its benchmark reports it per action.
func Writes() int64 { return logWrites.Load() }

// malloc is the C library's malloc(n), whose size type differs between
// platforms (xmalloc's, inferred).
func malloc[S ~uint32 | ~uint64](tls *libc.TLS, xmalloc func(*libc.TLS, S) uintptr, n uintptr) uintptr {
	return xmalloc(tls, S(n))
}

// ptr is p as a pointer: SQLite's structures and buffers are addressed
// by uintptr in the transpiled library.
func ptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// open is the VFS's xOpen: the platform VFS opens the file, and a log
// file gets the wrapped methods.
func open(tls *libc.TLS, _ uintptr, zName uintptr, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	baseOpen := (*vfsT)(ptr(base)).FxOpen
	rc := (*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{baseOpen})))(tls, base, zName, pFile, flags, pOutFlags)
	if rc != sqlite3.SQLITE_OK || flags&sqlite3.SQLITE_OPEN_WAL == 0 {
		return rc
	}
	f := (*fileT)(ptr(pFile))
	m := wrapped(tls, f.FpMethods)
	if m == 0 {
		return rc // methods this package did not see first: left alone
	}
	logs.Store(pFile, &gathered{})
	f.FpMethods = m
	return rc
}

// wrapped returns the wrapped copy of the platform's log-file methods pm,
// made at the first log file's open; 0 for methods other than those, and
// when there was no memory for the copy.
func wrapped(tls *libc.TLS, pm uintptr) uintptr {
	methodsOnce.Do(func() {
		baseMethods = pm
		pw := malloc(tls, libc.Xmalloc, unsafe.Sizeof(methodsT{}))
		if pw == 0 {
			return
		}
		m := (*methodsT)(ptr(pw))
		*m = *(*methodsT)(ptr(pm))
		*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxClose)) = closeLog
		*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxRead)) = readLog
		*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxWrite)) = writeLog
		*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&m.FxTruncate)) = truncateLog
		*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxSync)) = syncLog
		*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxFileSize)) = sizeLog
		*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&m.FxFileControl)) = controlLog
		methods = pw
	})
	if pm != baseMethods {
		return 0
	}
	return methods
}

func baseM() *methodsT { return (*methodsT)(ptr(baseMethods)) }

func baseWrite(tls *libc.TLS, pFile uintptr, z uintptr, n int32, off int64) int32 {
	logWrites.Add(1)
	if failWrite.CompareAndSwap(true, false) {
		return sqlite3.SQLITE_IOERR_WRITE
	}
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&struct{ uintptr }{baseM().FxWrite})))(tls, pFile, z, n, off)
}

// flush writes what pFile has gathered, in one write. On failure the
// gathered writes are dropped (see the package doc) and the error returned.
func flush(tls *libc.TLS, pFile uintptr) int32 {
	v, ok := logs.Load(pFile)
	if !ok {
		return sqlite3.SQLITE_OK
	}
	return flushGathered(tls, pFile, v.(*gathered))
}

func flushGathered(tls *libc.TLS, pFile uintptr, g *gathered) int32 {
	if g.n == 0 {
		return sqlite3.SQLITE_OK
	}
	rc := baseWrite(tls, pFile, g.data, int32(g.n), g.off)
	g.n = 0
	return rc
}

// writeLog gathers a write that continues the log's last one: the frames
// SQLite appends, a header and its page after the other. Any other write
// (the header of a log begun again, a frame's page overwritten in place
// by a later change in the same transaction, a header rewritten with its
// new checksum) writes what is gathered and then goes to the file at
// once, so that nothing but appended frames ever waits here.
func writeLog(tls *libc.TLS, pFile uintptr, z uintptr, n int32, off int64) int32 {
	v, ok := logs.Load(pFile)
	if !ok {
		return baseWrite(tls, pFile, z, n, off)
	}
	g := v.(*gathered)
	src := unsafe.Slice((*byte)(ptr(z)), int(n))
	commitPage := g.commitNext
	g.commitNext = n == frameHeaderSize && binary.BigEndian.Uint32(src[4:8]) != 0
	continues := off == g.end
	g.end = off + int64(n)
	if !continues || g.n+int(n) > MaxGathered {
		if rc := flushGathered(tls, pFile, g); rc != sqlite3.SQLITE_OK {
			return rc
		}
	}
	if !continues || int(n) > MaxGathered {
		return baseWrite(tls, pFile, z, n, off)
	}
	if g.data == 0 {
		if g.data = malloc(tls, libc.Xmalloc, MaxGathered); g.data == 0 {
			return baseWrite(tls, pFile, z, n, off) // no memory to gather in
		}
	}
	if g.n == 0 {
		g.off = off
	}
	copy(unsafe.Slice((*byte)(ptr(g.data+uintptr(g.n))), int(n)), src)
	g.n += int(n)
	if commitPage {
		// The commit frame's page: the commit's frames are complete.
		return flushGathered(tls, pFile, g)
	}
	return sqlite3.SQLITE_OK
}

func closeLog(tls *libc.TLS, pFile uintptr) int32 {
	rc := flush(tls, pFile)
	if v, ok := logs.LoadAndDelete(pFile); ok && v.(*gathered).data != 0 {
		libc.Xfree(tls, v.(*gathered).data)
	}
	crc := (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{baseM().FxClose})))(tls, pFile)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return crc
}

func readLog(tls *libc.TLS, pFile uintptr, z uintptr, n int32, off int64) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&struct{ uintptr }{baseM().FxRead})))(tls, pFile, z, n, off)
}

func truncateLog(tls *libc.TLS, pFile uintptr, size int64) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&struct{ uintptr }{baseM().FxTruncate})))(tls, pFile, size)
}

func syncLog(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&struct{ uintptr }{baseM().FxSync})))(tls, pFile, flags)
}

func sizeLog(tls *libc.TLS, pFile uintptr, pSize uintptr) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{baseM().FxFileSize})))(tls, pFile, pSize)
}

func controlLog(tls *libc.TLS, pFile uintptr, op int32, pArg uintptr) int32 {
	if rc := flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{baseM().FxFileControl})))(tls, pFile, op, pArg)
}
