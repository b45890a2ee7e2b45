package ecsdriver

import "testing"

func TestFargateSize(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name             string
		nanoCPUs, memory int64
		wantCPU, wantMem string
	}{
		{"no limits", 0, 0, "256", "512"},
		{"quarter cpu", 250_000_000, 0, "256", "512"},
		{"1536 MiB on 256", 0, 1536 << 20, "256", "2048"},
		{"one cpu", 1e9, 0, "1024", "2048"},
		{"one cpu 3 GiB", 1e9, 3 * gib, "1024", "3072"},
		{"memory forces more cpu", 0, 10 * gib, "2048", "10240"},
		{"odd memory rounds up", 5e8, 1500 << 20, "512", "2048"},
		{"two cpus", 2e9, 0, "2048", "4096"},
		{"big memory", 8e9, 40 * gib, "8192", "40960"},
		{"over the top", 64e9, 1000 * gib, "16384", "122880"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cpu, mem := fargateSize(tc.nanoCPUs, tc.memory)
			if cpu != tc.wantCPU || mem != tc.wantMem {
				t.Errorf("fargateSize(%d, %d) = %s/%s, want %s/%s", tc.nanoCPUs, tc.memory, cpu, mem, tc.wantCPU, tc.wantMem)
			}
		})
	}
}
