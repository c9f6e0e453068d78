package dispatch

import "testing"

// BenchmarkClassify is the figure BENCHMARKS.md quotes for Classify: one report of about
// 50 characters against the default table (built once, as the service holds it).
//
//	go test -run x -bench Classify -benchtime 2000x ./dispatch/
func BenchmarkClassify(b *testing.B) {
	cats := DefaultCategories()
	const text = "12号楼3单元楼道堆满了纸箱子旧沙发，楼梯就剩一人宽，说了几次也没人清，物业也不管，万一着火跑都跑不出去"
	b.ReportAllocs()
	for b.Loop() {
		Classify(text, cats)
	}
}
