package central

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// deviceInfoEvery is how stale a device's recorded last sync may get
// before a sync that changes nothing else writes it again: a sync is
// otherwise a read on the server, and the console shows the time to the
// minute.
const deviceInfoEvery = time.Minute

// checkAppVersion refuses a Fieldbench-App header that is no version
// string (fbsync.ValidAppVersion); "" is an app from before the header.
func checkAppVersion(v string) error {
	if v != "" && !fbsync.ValidAppVersion(v) {
		return app.Errorf(app.EINVALID, "sync.bad_app_version", "The app sent an unreadable version ({{.Header}} header); update the app.", "Header", fbsync.AppVersionHeader)
	}
	return nil
}

// recordDeviceInfo keeps what a device said of itself at a sync: its app
// version and protocol version, and when. It writes only when one of them
// changed or the time is deviceInfoEvery old.
func (db *DB) recordDeviceInfo(ctx context.Context, dev app.DeviceID, appVersion string, protocol int) error {
	now := db.now()
	var oldApp string
	var oldProtocol int
	var at int64
	err := db.readRow(ctx, qDeviceInfo, string(dev)).Scan(&oldApp, &oldProtocol, &at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return transient(err)
	}
	if err == nil && oldApp == appVersion && oldProtocol == protocol && now.Sub(time.Unix(0, at)) < deviceInfoEvery {
		return nil
	}
	_, err = db.write.ExecContext(ctx, db.q(`INSERT INTO device_info (device, app, protocol, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (device) DO UPDATE SET app = excluded.app, protocol = excluded.protocol, at = excluded.at`),
		string(dev), appVersion, protocol, now.UnixNano())
	return transient(err)
}
