package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/struna/struna/hub"
	"github.com/struna/struna/hub/store"
)

func newToken(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage the hub's bearer tokens",
		Args:  cobra.NoArgs,
	}
	var db, org, role, name, kind string
	create := &cobra.Command{
		Use:   "create --db DB --org ORG --role ROLE [--name NAME]",
		Short: "Create a bearer token for an organisation (creating the organisation if missing)",
		Long: `create records a new token directly in the hub's database and prints it on
standard output, once: the hub keeps only its hash. Use it to bootstrap the first
admin, and in scripts. ROLE is admin, coordinator, field or viewer; --kind is the
kind given to an organisation that does not exist yet.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if db == "" || org == "" || role == "" {
				return usagef("--db, --org and --role are required")
			}
			if store.RoleRank(role) == 0 {
				return usagef("--role %q: want admin, coordinator, field or viewer", role)
			}
			if !slices.Contains(store.OrgKinds, kind) {
				return usagef("--kind %q: want state, agency, ngo or team", kind)
			}
			if name == "" {
				var b [3]byte
				rand.Read(b[:])
				name = role + "-" + hex.EncodeToString(b[:])
			}
			ctx := contextOf(env)
			st, err := store.Open(ctx, db, store.Options{Now: env.Now})
			if err != nil {
				return err
			}
			defer st.Close()
			// The audit log records who did it: someone with the database
			// file, not a token holder.
			actor := store.Actor{Name: "struna token create", Org: "", Role: "local"}
			if _, created, err := st.EnsureOrg(ctx, actor, org, kind); err != nil {
				return err
			} else if created {
				fmt.Fprintf(env.Stderr, "created organisation %q (%s)\n", org, kind)
			}
			tok, err := hub.IssueToken(ctx, st, actor, org, role, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "token %q for %s, role %s (shown once; the hub keeps only its hash):\n", name, org, role)
			_, err = fmt.Fprintln(env.Stdout, tok)
			return err
		},
	}
	fl := create.Flags()
	fl.StringVar(&db, "db", "", "hub database: SQLite file path or postgres:// URL (required)")
	fl.StringVar(&org, "org", "", "organisation (required)")
	fl.StringVar(&role, "role", "", "admin, coordinator, field or viewer (required)")
	fl.StringVar(&name, "name", "", "token name, unique in the organisation (default ROLE-random)")
	fl.StringVar(&kind, "kind", "agency", "kind of a new organisation: state, agency, ngo or team")
	cmd.AddCommand(create)
	return cmd
}
