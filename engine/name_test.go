package engine_test

import (
	"linkfin"
	"testing"

	"linkfin/engine"
	"linkfin/services"
)

func TestName(t *testing.T) {
	for _, tc := range []struct {
		c    linkfin.Command
		want string
	}{
		{&services.CreateOrganization{}, "create organization"},
		{&services.CreateAPIKey{}, "create API key"},
		{&services.RecordInboundPayment{}, "record inbound payment"},
		{&services.RequestPOFinancing{}, "request PO financing"},
		{&services.BootstrapOperator{}, "bootstrap operator"},
		{services.Attribute("anchor", "user:usr_1", &services.ApproveInvoice{}), "approve invoice"},
		{nil, "command"},
	} {
		if got := engine.Name(tc.c); got != tc.want {
			t.Errorf("Name(%T) = %q, want %q", tc.c, got, tc.want)
		}
	}
}
