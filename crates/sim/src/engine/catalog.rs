//! The instance-type catalogue Auto Mode picks from: the c5a family with its real vCPU, memory,
//! bandwidth and max-pods figures, and the EKS formulas for what the kubelet reserves (so a
//! c5a.4xlarge shows 15890m CPU and 30853148Ki memory allocatable, as on a real node).

/// One instance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub size: &'static str,
    pub vcpu: i64,
    pub memory_mib: i64,
    pub max_pods: i64,
    pub network_bandwidth_mbps: i64,
    pub ebs_bandwidth_mbps: i64,
}

const fn it(
    name: &'static str,
    size: &'static str,
    vcpu: i64,
    memory_gib: i64,
    max_pods: i64,
    net: i64,
    ebs: i64,
) -> InstanceType {
    InstanceType {
        name,
        size,
        vcpu,
        memory_mib: memory_gib * 1024,
        max_pods,
        network_bandwidth_mbps: net,
        ebs_bandwidth_mbps: ebs,
    }
}

/// Smallest first.
pub const CATALOG: [InstanceType; 8] = [
    it("c5a.large", "large", 2, 4, 29, 750, 3170),
    it("c5a.xlarge", "xlarge", 4, 8, 58, 1250, 3170),
    it("c5a.2xlarge", "2xlarge", 8, 16, 58, 2500, 3170),
    it("c5a.4xlarge", "4xlarge", 16, 32, 110, 5000, 3170),
    it("c5a.8xlarge", "8xlarge", 32, 64, 110, 10000, 3170),
    it("c5a.12xlarge", "12xlarge", 48, 96, 110, 12000, 4750),
    it("c5a.16xlarge", "16xlarge", 64, 128, 110, 20000, 6300),
    it("c5a.24xlarge", "24xlarge", 96, 192, 110, 20000, 9500),
];

/// Root volume of an Auto Mode node: capacity in Ki, allocatable in bytes (as the article shows).
pub const EPHEMERAL_CAPACITY_KI: i64 = 83_781_432;
pub const EPHEMERAL_ALLOCATABLE: i64 = 76_139_225_780;

pub fn lookup(name: &str) -> Option<InstanceType> {
    CATALOG.iter().copied().find(|t| t.name == name)
}

/// What a node offers: CPU in millicores, memory in bytes, pod slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resources {
    pub cpu_m: i64,
    pub mem: i64,
    pub pods: i64,
}

impl Resources {
    pub fn fits(&self, need: &Resources) -> bool {
        need.cpu_m <= self.cpu_m && need.mem <= self.mem && need.pods <= self.pods
    }

    pub fn sub(&mut self, other: &Resources) {
        self.cpu_m -= other.cpu_m;
        self.mem -= other.mem;
        self.pods -= other.pods;
    }

    pub fn add(&mut self, other: &Resources) {
        self.cpu_m += other.cpu_m;
        self.mem += other.mem;
        self.pods += other.pods;
    }
}

impl InstanceType {
    pub fn capacity_cpu_m(&self) -> i64 {
        self.vcpu * 1000
    }

    /// Memory the kernel reports: the instance's MiB less what the hypervisor and firmware keep
    /// (the ratio observed on a c5a.4xlarge: 32768 MiB → 32455708Ki).
    pub fn capacity_memory_ki(&self) -> i64 {
        self.memory_mib * 1024 * 32_455_708 / 33_554_432
    }

    /// EKS CPU reservation: 6 % of the first core, 1 % of the second, 0.5 % of cores 3–4, 0.25 % of
    /// the rest.
    pub fn allocatable_cpu_m(&self) -> i64 {
        let cores = self.vcpu;
        let mut reserved: f64 = 0.0;
        for core in 1..=cores {
            reserved += match core {
                1 => 60.0,
                2 => 10.0,
                3 | 4 => 5.0,
                _ => 2.5,
            };
        }
        self.capacity_cpu_m() - reserved.round() as i64
    }

    /// capacity − kube-reserved (11 MiB per pod + 255 MiB) − eviction threshold (100 MiB).
    pub fn allocatable_memory_ki(&self) -> i64 {
        let reserved_mi = 11 * self.max_pods + 255 + 100;
        self.capacity_memory_ki() - reserved_mi * 1024
    }

    pub fn allocatable(&self) -> Resources {
        Resources {
            cpu_m: self.allocatable_cpu_m(),
            mem: self.allocatable_memory_ki() * 1024,
            pods: self.max_pods,
        }
    }
}

/// The smallest type whose allocatable holds `need`.
pub fn smallest_fitting(need: &Resources) -> Option<InstanceType> {
    CATALOG.iter().copied().find(|t| t.allocatable().fits(need))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c5a_4xlarge_matches_a_real_node() {
        let t = lookup("c5a.4xlarge").unwrap();
        assert_eq!(t.allocatable_cpu_m(), 15890);
        assert_eq!(t.capacity_memory_ki(), 32455708);
        assert_eq!(t.allocatable_memory_ki(), 30853148);
        assert_eq!(t.max_pods, 110);
    }

    #[test]
    fn reservations_of_small_types() {
        assert_eq!(lookup("c5a.large").unwrap().allocatable_cpu_m(), 1930);
        assert_eq!(lookup("c5a.xlarge").unwrap().allocatable_cpu_m(), 3920);
    }

    #[test]
    fn ten_one_cpu_pods_need_a_4xlarge() {
        let need = Resources {
            cpu_m: 10_000,
            mem: 2_560_000_000,
            pods: 10,
        };
        assert_eq!(smallest_fitting(&need).unwrap().name, "c5a.4xlarge");
        let huge = Resources {
            cpu_m: 200_000,
            mem: 0,
            pods: 1,
        };
        assert!(smallest_fitting(&huge).is_none());
    }
}
