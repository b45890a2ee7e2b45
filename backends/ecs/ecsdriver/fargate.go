package ecsdriver

import "strconv"

// fargateCPU lists Fargate's task CPU sizes (CPU units, 1024 per vCPU) with
// the memory each allows (MiB: from, to, step), from
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size.
var fargateCPU = []struct{ cpu, from, to, step int64 }{
	{256, 512, 2048, 512},
	{512, 1024, 4096, 1024},
	{1024, 2048, 8192, 1024},
	{2048, 4096, 16384, 1024},
	{4096, 8192, 30720, 1024},
	{8192, 16384, 61440, 4096},
	{16384, 32768, 122880, 8192},
}

// fargateSize maps Docker's limits (HostConfig.NanoCPUs, HostConfig.Memory
// in bytes; 0 for none) to the smallest valid Fargate task size that
// satisfies both. The 256 CPU size has 512, 1024 and 2048 MiB only, which
// the 512 step yields except for 1536, rounded up to 2048. Requests above
// the largest size get the largest.
func fargateSize(nanoCPUs, memory int64) (cpu, mem string) {
	wantCPU := (nanoCPUs*1024 + 1e9 - 1) / 1e9
	wantMem := (memory + 1<<20 - 1) >> 20
	for _, s := range fargateCPU {
		if s.cpu < wantCPU || s.to < wantMem {
			continue
		}
		m := max(s.from, (wantMem+s.step-1)/s.step*s.step)
		if s.cpu == 256 && m == 1536 {
			m = 2048
		}
		return strconv.FormatInt(s.cpu, 10), strconv.FormatInt(m, 10)
	}
	last := fargateCPU[len(fargateCPU)-1]
	return strconv.FormatInt(last.cpu, 10), strconv.FormatInt(last.to, 10)
}
