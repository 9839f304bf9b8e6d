#include "core/cpu_topology.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace llm {
namespace {

namespace fs = std::filesystem;

// A fake /sys: `cores[i]` is the core id of logical CPU i (all in package 0).
class FakeSys {
 public:
  explicit FakeSys(const std::vector<int>& cores, const std::string& cpu_max = "") {
    root_ = fs::temp_directory_path() / ("llm-cpu-topology-" + std::to_string(std::random_device{}()));
    for (size_t i = 0; i < cores.size(); ++i) {
      const fs::path dir = root_ / "devices/system/cpu" / ("cpu" + std::to_string(i)) / "topology";
      fs::create_directories(dir);
      std::ofstream(dir / "core_id") << cores[i] << "\n";
      std::ofstream(dir / "physical_package_id") << 0 << "\n";
    }
    if (!cpu_max.empty()) {
      fs::create_directories(root_ / "fs/cgroup");
      std::ofstream(root_ / "fs/cgroup/cpu.max") << cpu_max << "\n";
    }
  }
  ~FakeSys() { fs::remove_all(root_); }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

TEST(CpuTopology, TheAffinityMaskIsRead) {
  const CpuTopology t = DetectCpuTopology();
  EXPECT_FALSE(t.cpus.empty());
  EXPECT_FALSE(t.core_leaders.empty());
  EXPECT_LE(t.core_leaders.size(), t.cpus.size());
  EXPECT_GE(DefaultComputeThreads(), 1);
}

TEST(CpuTopology, SmtSiblingsCountAsOneCore) {
  CpuTopology t;
  t.cpus = {0, 1, 2, 3};
  t.core_leaders = {0, 2};
  EXPECT_EQ(DefaultComputeThreads(t), 2);
  // From a tree where CPUs 0/1 and 2/3 share cores: read through the real reader when the
  // process may run on at least two CPUs.
  FakeSys sys({0, 0, 1, 1});
  const CpuTopology read = DetectCpuTopology(sys.root());
  std::vector<int> leaders_in_tree;
  for (int c : read.core_leaders) {
    if (c < 4) leaders_in_tree.push_back(c);
  }
  for (int c : leaders_in_tree) EXPECT_TRUE(c == 0 || c == 2) << c;
}

TEST(CpuTopology, ACgroupQuotaBoundsTheThreads) {
  FakeSys sys({0, 1}, "150000 100000");
  EXPECT_DOUBLE_EQ(DetectCpuTopology(sys.root()).quota_cpus, 1.5);
  CpuTopology t;
  t.cpus = {0, 1, 2, 3, 4, 5, 6, 7};
  t.core_leaders = t.cpus;
  t.quota_cpus = 1.5;
  EXPECT_EQ(DefaultComputeThreads(t), 2);
  FakeSys unlimited({0}, "max 100000");
  EXPECT_EQ(DetectCpuTopology(unlimited.root()).quota_cpus, 0);
}

TEST(CpuTopology, AnUnreadableTopologyCountsEachCpuAsACore) {
  FakeSys empty({});
  const CpuTopology t = DetectCpuTopology(empty.root());
  EXPECT_EQ(t.core_leaders.size(), t.cpus.size());
}

}  // namespace
}  // namespace llm
