package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// CreateUser adds a console user (the users page and the command line
// alike): the role must be one of Roles, and a store manager, and only a
// store manager, names their store.
func CreateUser(ctx context.Context, db *central.DB, u central.ConsoleUser, password string) error {
	if !Role(u.Role).Valid() {
		return app.Errorf(app.EINVALID, "console.user.role", "Choose a role: dispatcher, store_manager, parts_clerk or administrator.")
	}
	if (Role(u.Role) == RoleStoreManager) != (u.Store != "") {
		return app.Errorf(app.EINVALID, "console.user.store", "A store manager needs their store's ID, and only a store manager has one.")
	}
	return db.CreateConsoleUser(ctx, u, password)
}

// usersPage is the users page's data.
type usersPage struct {
	Users []userRow
	Roles []roleOption
	Form  userForm // what a refused form held, to fill it again
	Error string
}

type userRow struct {
	central.ConsoleUser
	RoleName string
	Locked   bool
	Self     bool
}

type roleOption struct {
	Role     Role
	Name     string
	Selected bool
}

type userForm struct {
	Login, Name, Role, Store string
}

func (c *Console) users(w http.ResponseWriter, r *http.Request, s *Session) error {
	return c.usersAnswer(w, r, s, http.StatusOK, userForm{Role: string(RoleDispatcher)}, "")
}

func (c *Console) usersAnswer(w http.ResponseWriter, r *http.Request, s *Session, status int, f userForm, msg string) error {
	us, err := c.db.ConsoleUsers(r.Context(), s.Tenant)
	if err != nil {
		return err
	}
	p := usersPage{Form: f, Error: msg}
	now := c.opt.Now()
	for _, u := range us {
		l := roleLabels[Role(u.Role)]
		p.Users = append(p.Users, userRow{ConsoleUser: u, RoleName: s.T.Text(l.Key, l.Message, nil), Locked: now.Before(u.LockedUntil),
			Self: u.Login == s.Login})
	}
	for _, role := range Roles {
		l := roleLabels[role]
		p.Roles = append(p.Roles, roleOption{Role: role, Name: s.T.Text(l.Key, l.Message, nil), Selected: string(role) == f.Role})
	}
	return c.render(w, r, s, status, "users", p)
}

// createUser adds a user of the administrator's tenant. A refused form is
// shown again, filled, with the reason and the status of its code.
func (c *Console) createUser(w http.ResponseWriter, r *http.Request, s *Session) error {
	f := userForm{Login: strings.TrimSpace(r.PostFormValue("login")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Store: strings.TrimSpace(r.PostFormValue("store"))}
	u := central.ConsoleUser{Login: f.Login, Tenant: s.Tenant, Name: f.Name, Role: f.Role, Store: app.StoreID(f.Store)}
	if err := CreateUser(r.Context(), c.db, u, r.PostFormValue("password")); err != nil {
		if !app.Refused(err) {
			return err
		}
		e := app.AsError(err)
		return c.usersAnswer(w, r, s, central.HTTPStatus(err), f, appErrorText(s.T, e))
	}
	if err := c.audit(r.Context(), s, "user.create", f.Login, "role="+f.Role+" store="+f.Store); err != nil {
		return err
	}
	if err := c.flash(w, r, s, "console.users.created", "The user can sign in now."); err != nil {
		return err
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
	return nil
}

// disableUser stops a user of the tenant from signing in and ends their
// sessions. Administrators cannot disable themselves: the tenant could be
// left with nobody to manage its users.
func (c *Console) disableUser(w http.ResponseWriter, r *http.Request, s *Session) error {
	login := r.PathValue("login")
	if login == s.Login {
		return app.Errorf(app.EINVALID, "console.users.self", "You cannot disable your own account; ask another administrator.")
	}
	if err := c.db.DisableConsoleUser(r.Context(), s.Tenant, login); err != nil {
		return err
	}
	if err := c.audit(r.Context(), s, "user.disable", login, ""); err != nil {
		return err
	}
	if err := c.flash(w, r, s, "console.users.disabled", "The user is disabled and signed out everywhere."); err != nil {
		return err
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
	return nil
}

// setUserPassword gives a user of the tenant a new password; it unlocks
// the account and ends its sessions.
func (c *Console) setUserPassword(w http.ResponseWriter, r *http.Request, s *Session) error {
	login := r.PathValue("login")
	if err := c.db.SetPassword(r.Context(), s.Tenant, login, r.PostFormValue("password")); err != nil {
		return err
	}
	if err := c.audit(r.Context(), s, "user.password", login, ""); err != nil {
		return err
	}
	if login == s.Login {
		// Changing one's own password ends one's own session too.
		c.clearSessionCookie(w)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	if err := c.flash(w, r, s, "console.users.password_set", "The new password is set; the user's sessions have ended."); err != nil {
		return err
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
	return nil
}
