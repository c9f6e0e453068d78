package store

import (
	"fmt"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Embedded is an in-process Redis (miniredis) for running chorus without a Redis server.
// Its data lives in memory only and is gone when the process ends.
type Embedded struct {
	srv *miniredis.Miniredis
	// Client talks to the embedded server.
	Client *redis.Client
}

// StartEmbedded starts an in-process Redis on a loopback port.
func StartEmbedded() (*Embedded, error) {
	srv := miniredis.NewMiniRedis()
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("store: start embedded redis: %w", err)
	}
	return &Embedded{srv: srv, Client: redis.NewClient(&redis.Options{Addr: srv.Addr()})}, nil
}

// Close stops the embedded server.
func (e *Embedded) Close() error {
	err := e.Client.Close()
	e.srv.Close()
	if err != nil {
		return fmt.Errorf("store: close embedded redis: %w", err)
	}
	return nil
}
