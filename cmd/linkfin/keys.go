package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"linkfin"
	"linkfin/client"
	"linkfin/engine"
	"linkfin/services"
)

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runResource(ctx, "keys", []action{
		{usage: "create --org ID --role ROLE [--name NAME] [--local]", help: "make an API key; its secret is shown once",
			setup: func(fs *flag.FlagSet) runFunc {
				var sf storeFlags
				sf.register(fs)
				org := fs.String("org", "", "the organization the key acts for")
				role := fs.String("role", "", "admin, finance or viewer (operator, with --local and no --org)")
				name := fs.String("name", "", "a name to tell the key by")
				local := fs.Bool("local", false, "write the key straight into the database (--db, --data) of a stopped server, without the API")
				return func(ctx context.Context, c *client.Client, _ []string) (any, error) {
					switch linkfin.Role(*role) {
					case "":
						return nil, badValue(fs, "--role is required: admin, finance or viewer (operator, with --local and no --org)")
					case linkfin.RoleAdmin, linkfin.RoleFinance, linkfin.RoleViewer, linkfin.RoleOperator:
					default:
						return nil, badValue(fs, "--role is admin, finance or viewer (operator, with --local and no --org), not %q", *role)
					}
					if *local {
						if *org == "" && linkfin.Role(*role) != linkfin.RoleOperator {
							return nil, badValue(fs, "--org is required: the organization the %s key acts for (only an operator key, --role operator, has none)", *role)
						}
						return createKeyLocal(ctx, &sf, *org, linkfin.Role(*role), *name)
					}
					if *org == "" {
						return nil, badValue(fs, "--org is required: the organization the key acts for")
					}
					return c.CreateAPIKey(ctx, *org, client.APIKeyIn{Role: linkfin.Role(*role), Name: *name})
				}
			}},
		{usage: "list --org ID", help: "list an organization's keys, without their secrets",
			setup: func(fs *flag.FlagSet) runFunc {
				org := fs.String("org", "", "the organization")
				return func(ctx context.Context, c *client.Client, _ []string) (any, error) {
					if *org == "" {
						return nil, badValue(fs, "--org is required: the organization whose keys to list")
					}
					keys, err := client.Collect(ctx, func(ctx context.Context, o *client.ListOptions) (*client.List[client.APIKey], error) {
						return c.ListAPIKeys(ctx, *org, o)
					}, nil)
					return client.List[client.APIKey]{Data: keys}, err
				}
			}},
		{usage: "revoke KEY_ID --org ID [--local]", args: []string{"KEY_ID"}, help: "revoke a key: from now on it opens nothing",
			setup: func(fs *flag.FlagSet) runFunc {
				var sf storeFlags
				sf.register(fs)
				org := fs.String("org", "", "the organization the key belongs to")
				local := fs.Bool("local", false, "revoke it straight in the database of a stopped server: any key, an operator key too")
				return func(ctx context.Context, c *client.Client, args []string) (any, error) {
					if *local {
						return revokeKeyLocal(ctx, &sf, args[0])
					}
					if *org == "" {
						return nil, badValue(fs, "--org is required: the organization the key belongs to (or --local, on a stopped server's database)")
					}
					return c.RevokeAPIKey(ctx, *org, args[0])
				}
			}},
	}, args, stdout, stderr)
}

// createKeyLocal records a key in the database through an engine of its own, for when
// no key that could make one over the API is at hand.
func createKeyLocal(ctx context.Context, sf *storeFlags, org string, role linkfin.Role, name string) (*client.APIKey, error) {
	secret, k := linkfin.NewAPIKey(org, role, name)
	// An organization's key needs the organization, so a database that has it: one
	// that is not there is an error, not a new one. The operator's key may start a
	// new database (one beside an existing log key is signed with it).
	open := sf.open
	if org != "" {
		open = sf.openExisting
	}
	out, err := submitLocal(ctx, sf, open, &services.CreateAPIKey{Key: k})
	if err != nil {
		return nil, err
	}
	out.Key = secret
	return out, nil
}

// revokeKeyLocal revokes any key, as the operator, through an engine of its own. A key
// is in an existing database: a database that is not there is an error, not a new one.
func revokeKeyLocal(ctx context.Context, sf *storeFlags, id string) (*client.APIKey, error) {
	return submitLocal(ctx, sf, sf.openExisting, &services.RevokeAPIKey{ID: id})
}

// submitLocal runs a key command as the operator on the database through an engine of
// its own. The database takes one writer: while a server runs on it, this is refused.
func submitLocal(ctx context.Context, sf *storeFlags, open func(context.Context) (linkfin.Store, error), c linkfin.Command) (*client.APIKey, error) {
	s, err := open(ctx)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	signer, err := sf.signer(ctx, s)
	if err != nil {
		return nil, err
	}
	e, err := engine.Open(ctx, engine.Config{Store: s, Signer: signer, Origin: Origin})
	if linkfin.ErrorCode(err) == linkfin.ELOCKED {
		return nil, fmt.Errorf("%s (%s): a server is running on this database; stop it first, "+
			"or do it over the API without --local, with an admin or operator key", linkfin.ErrorMessage(err), linkfin.ELOCKED)
	} else if err != nil {
		return nil, err
	}
	defer e.Close()
	var k linkfin.APIKey
	if err := e.Run(ctx, c, &k); err != nil {
		var le *linkfin.Error
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%s: %s", le.Code, le.Message)
		}
		return nil, err
	}
	out := &client.APIKey{ID: k.ID, OrgID: k.OrgID, Role: k.Role, Name: k.Name, CreatedBy: k.CreatedBy,
		CreatedAt: k.CreatedAt.UTC().Format(time.RFC3339Nano)}
	if k.RevokedAt != nil {
		out.RevokedAt = k.RevokedAt.UTC().Format(time.RFC3339Nano)
	}
	return out, nil
}
