package main

import (
	"context"
	"errors"
)

func runReview(ctx context.Context, a *app, args []string) error {
	return errors.New("review: not implemented yet")
}
