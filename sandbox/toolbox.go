package sandbox

import "github.com/sockerless/sockerless/sandbox/toolbox"

// embeddedToolbox is the toolbox built by `make toolbox`.
type embeddedToolbox struct{}

func (embeddedToolbox) Module() []byte       { return toolbox.Module() }
func (embeddedToolbox) Has(name string) bool { return toolbox.Has(name) }
func (embeddedToolbox) Names() []string      { return toolbox.Names() }

func defaultToolbox() Toolbox { return embeddedToolbox{} }
