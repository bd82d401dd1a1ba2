package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/hardnesslab/hardness/internal/web"
	"github.com/spf13/cobra"
)

type serveOptions struct {
	addr string
}

func newServeCmd() *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the interactive explainer in the browser (local, offline)",
		Long: `serve starts the interactive explainer on a local web server: pick or type a
small formula and follow each stage of the reduction (split, OV vectors, Q, K
and V, T against τ, the verdict and gini's check), then move a slider for
c = B/√ln n and watch the polynomial method's degree, rank, certified error
and measured error against exact attention, beside the predicted exponent of
the transition experiment. Every number is computed by the same code as the
command line. The page loads nothing from elsewhere and sends nothing
anywhere; by default it listens on 127.0.0.1 only. Stop it with Ctrl-C.`,
		Example: `  hardness serve
  hardness serve --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd) },
	}
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on this `HOST:PORT`")
	return cmd
}

func (o *serveOptions) run(cmd *cobra.Command) error {
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return withCode(exitBadInput, fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080: %w", o.addr, err))
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--addr %s: %w", o.addr, err))
	}
	srv := &http.Server{Handler: web.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "serving the explainer on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), "stopped")
		return nil
	}
}
