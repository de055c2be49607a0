package main

import (
	"context"
	"errors"
)

func runServe(ctx context.Context, a *app, args []string) error {
	return errors.New("serve: not implemented yet")
}
