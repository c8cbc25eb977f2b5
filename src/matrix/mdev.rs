// SPDX-License-Identifier: GPL-2.0

//! One mdev's matrix state and how each event changes it.
//!
//! An mdev has an assigned matrix (what the administrator assigned) and a
//! shadow APCB (what its guest gets). The shadow is always Linux 7.3's filter
//! ([`super::filter`]) of the current state: the assignment, the host
//! configuration and the usable queues. Each event below updates the state
//! and returns an [`Update`]: whether the shadow changed and so must be
//! committed to the guest's CRYCB, and which queues to reset.
//!
//! Two differences from the C driver, both deliberate:
//! - Where 7.3's event handlers only clear bits and so leave the shadow
//!   smaller than the filter (a domain unassigned, or leaving the host
//!   configuration, can make an adapter usable that the C driver keeps out
//!   until some later event re-filters), we re-filter, and the adapter is
//!   plugged at once.
//! - A queue bound, unbound or changing passability touches only its
//!   adapter's row against the shadow's domains (the reviewer's point (a) on
//!   the v11 hot plug patch) instead of re-walking the whole matrix, with
//!   exactly the result of a full re-filter.
//!
//! While a host configuration change is in progress (between
//! `on_config_changed` and `on_scan_complete`), newly bound queues are not
//! filtered in: 7.3 defers that to the end of the AP bus scan, and so do we.

#![forbid(unsafe_code)]

use super::ap_matrix::{HostConfig, Matrix, Maxima};
use super::errno::{Error, Result};
use super::filter::{adapter_passes, filter_cdoms, filter_matrix, QueueRect, QueueRows, ResetPlan};
use super::format::QueueStatus;
use super::ids::{Apid, Apqi, Apqn};
use super::mask::{Mask, MaskId};
use super::validate::id_in_range;

/// What the caller must do after an event, in this order: commit the shadow
/// to the guest (if one is attached) when `commit` is set, then reset the
/// queues of `reset` that are bound to vfio_ap.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[must_use]
pub struct Update {
    /// The shadow APCB changed: commit it to the guest's CRYCB.
    pub commit: bool,
    /// Queues to reset.
    pub reset: ResetPlan,
}

impl Update {
    /// Nothing to do.
    pub const NONE: Self = Self {
        commit: false,
        reset: ResetPlan::NONE,
    };
}

/// The environment an event is decided in: the host's current AP
/// configuration and the usable queues.
#[derive(Clone, Copy)]
pub struct Env<'a, Q: QueueRows + ?Sized> {
    /// The host configuration (QCI), as the driver currently knows it.
    pub host: &'a Matrix,
    /// Which queues are bound to vfio_ap and passable.
    pub queues: &'a Q,
}

/// One mdev's assignment, shadow APCB and pending host additions.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MdevMatrix {
    maxima: Maxima,
    assigned: Matrix,
    shadow: Matrix,
    /// Assigned IDs the host has just added and whose scan is not complete
    /// (`apm_add`, `aqm_add`, `adm_add`).
    pending: Matrix,
}

impl MdevMatrix {
    /// A new mdev: nothing assigned, maxima frozen from the host's current
    /// configuration.
    pub fn new(host: &HostConfig) -> Self {
        Self {
            maxima: host.maxima(),
            assigned: Matrix::EMPTY,
            shadow: Matrix::EMPTY,
            pending: Matrix::EMPTY,
        }
    }

    /// The largest IDs this mdev accepts.
    pub fn maxima(&self) -> &Maxima {
        &self.maxima
    }

    /// What the administrator assigned.
    pub fn assigned(&self) -> &Matrix {
        &self.assigned
    }

    /// The shadow APCB: what the guest gets (or will get when it starts).
    pub fn shadow(&self) -> &Matrix {
        &self.shadow
    }

    /// Whether a host configuration change is waiting for its scan to end.
    pub fn has_pending_additions(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The `status` of a queue bound to vfio_ap, from the view of the mdev
    /// that has it assigned; `attached` says whether the mdev has a guest.
    pub fn queue_status(&self, apqn: Apqn, attached: bool) -> QueueStatus {
        if !self.assigned.has_queue(apqn) {
            QueueStatus::Unassigned
        } else if attached && self.shadow.has_queue(apqn) {
            QueueStatus::InUse
        } else {
            QueueStatus::Assigned
        }
    }

    /// Re-filters everything against `env`: whether the shadow changed, and
    /// the queues to reset, those of newly withheld adapters in the guest's
    /// domains.
    fn refilter<Q: QueueRows + ?Sized>(&mut self, env: &Env<'_, Q>) -> (bool, QueueRect) {
        let filtered = filter_matrix(&self.assigned, env.host, env.queues, &self.shadow.apm);
        let shadow = Matrix {
            apm: filtered.apm,
            aqm: filtered.aqm,
            adm: filter_cdoms(&self.assigned, env.host),
        };
        let commit = shadow != self.shadow;
        self.shadow = shadow;
        (commit, QueueRect::new(filtered.withheld, shadow.aqm))
    }

    /// [`MdevMatrix::refilter`] as the whole update of an event.
    fn refilter_update<Q: QueueRows + ?Sized>(&mut self, env: &Env<'_, Q>) -> Update {
        let (commit, withheld) = self.refilter(env);
        Update {
            commit,
            reset: ResetPlan::of(withheld),
        }
    }

    /// Assigns adapter `raw` (`assign_adapter`). `-ENODEV` beyond the
    /// maximum; nothing to do if already assigned; otherwise the whole
    /// resulting matrix must pass `validate` (reservation, then sharing:
    /// [`super::validate::validate_masks`]), or nothing changes.
    pub fn assign_adapter<Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        env: &Env<'_, Q>,
        validate: impl FnOnce(&Matrix) -> Result,
    ) -> Result<Update> {
        self.assign(raw, self.maxima.apid, |m| &mut m.apm, env, validate)
    }

    /// Assigns usage domain `raw` (`assign_domain`); as
    /// [`MdevMatrix::assign_adapter`].
    pub fn assign_domain<Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        env: &Env<'_, Q>,
        validate: impl FnOnce(&Matrix) -> Result,
    ) -> Result<Update> {
        self.assign(raw, self.maxima.apqi, |m| &mut m.aqm, env, validate)
    }

    /// Adds ID `raw` (at most `max`) to the mask `mask` selects, if the
    /// resulting matrix passes `validate`.
    fn assign<I: MaskId, Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        max: I,
        mask: fn(&mut Matrix) -> &mut Mask<I>,
        env: &Env<'_, Q>,
        validate: impl FnOnce(&Matrix) -> Result,
    ) -> Result<Update> {
        let id = id_in_range(raw, max)?;
        let mut candidate = self.assigned;
        if !mask(&mut candidate).insert(id) {
            return Ok(Update::NONE);
        }
        validate(&candidate)?;
        self.assigned = candidate;
        Ok(self.refilter_update(env))
    }

    /// Unassigns adapter `raw` (`unassign_adapter`). The guest loses it; its
    /// queues that the guest had are reset.
    pub fn unassign_adapter<Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        env: &Env<'_, Q>,
    ) -> Result<Update> {
        let apid: Apid = id_in_range(raw, self.maxima.apid)?;
        if !self.assigned.apm.remove(apid) {
            return Ok(Update::NONE);
        }
        let mut unplugged = QueueRect::new(Default::default(), self.shadow.aqm);
        if self.shadow.apm.contains(apid) {
            unplugged.apm.insert(apid);
        }
        let (commit, withheld) = self.refilter(env);
        Ok(Update {
            commit,
            reset: ResetPlan::new([unplugged, withheld, QueueRect::default()]),
        })
    }

    /// Unassigns usage domain `raw` (`unassign_domain`). The guest loses it;
    /// its queues that the guest had are reset. Adapters that were withheld
    /// only because of this domain's queues are plugged in.
    pub fn unassign_domain<Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        env: &Env<'_, Q>,
    ) -> Result<Update> {
        let apqi: Apqi = id_in_range(raw, self.maxima.apqi)?;
        if !self.assigned.aqm.remove(apqi) {
            return Ok(Update::NONE);
        }
        let mut unplugged = QueueRect::new(self.shadow.apm, Default::default());
        if self.shadow.aqm.contains(apqi) {
            unplugged.aqm.insert(apqi);
        }
        let (commit, withheld) = self.refilter(env);
        Ok(Update {
            commit,
            reset: ResetPlan::new([unplugged, withheld, QueueRect::default()]),
        })
    }

    /// Assigns control domain `raw` (`assign_control_domain`): only the range
    /// is checked; control domains are neither shared nor reserved.
    pub fn assign_control_domain<Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        env: &Env<'_, Q>,
    ) -> Result<Update> {
        self.set_control_domain(raw, true, env)
    }

    /// Unassigns control domain `raw` (`unassign_control_domain`).
    pub fn unassign_control_domain<Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        env: &Env<'_, Q>,
    ) -> Result<Update> {
        self.set_control_domain(raw, false, env)
    }

    fn set_control_domain<Q: QueueRows + ?Sized>(
        &mut self,
        raw: u64,
        assigned: bool,
        env: &Env<'_, Q>,
    ) -> Result<Update> {
        let domain: Apqi = id_in_range(raw, self.maxima.adm)?;
        let changed = if assigned {
            self.assigned.adm.insert(domain)
        } else {
            self.assigned.adm.remove(domain)
        };
        if !changed {
            return Ok(Update::NONE);
        }
        Ok(self.refilter_update(env))
    }

    /// Replaces the whole assignment (`ap_config` store), all or nothing.
    /// `validate` (reservation and sharing) runs first, then the range check
    /// (`-ENODEV`), in the C driver's order. The queues the guest had on
    /// removed adapters and domains are reset, and so are those of adapters
    /// newly withheld.
    pub fn set_ap_config<Q: QueueRows + ?Sized>(
        &mut self,
        new: &Matrix,
        env: &Env<'_, Q>,
        validate: impl FnOnce(&Matrix) -> Result,
    ) -> Result<Update> {
        validate(new)?;
        if !self.maxima.contain(new) {
            return Err(Error::NoDev);
        }
        // As the C driver unplugs removed adapters first, then removed
        // domains on the adapters left, the two rectangles do not overlap.
        let removed_apm = self.assigned.apm.and_not(new.apm);
        let removed_aqm = self.assigned.aqm.and_not(new.aqm);
        let adapters_gone = QueueRect::new(self.shadow.apm.and(removed_apm), self.shadow.aqm);
        let domains_gone = QueueRect::new(
            self.shadow.apm.and_not(removed_apm),
            self.shadow.aqm.and(removed_aqm),
        );
        self.assigned = *new;
        let (commit, withheld) = self.refilter(env);
        Ok(Update {
            commit,
            reset: ResetPlan::new([adapters_gone, domains_gone, withheld]),
        })
    }

    /// The queue `apqn` has become usable: bound to vfio_ap (probe), or
    /// passable again. Only its adapter can join the guest.
    pub fn queue_usable<Q: QueueRows + ?Sized>(&mut self, apqn: Apqn, env: &Env<'_, Q>) -> Update {
        // 7.3 defers this while adapters or domains are being added.
        if !self.pending.apm.is_empty() || !self.pending.aqm.is_empty() {
            return Update::NONE;
        }
        let apid = apqn.apid();
        let in_scope = self.assigned.apm.contains(apid) && env.host.apm.contains(apid);
        if in_scope
            && !self.shadow.apm.contains(apid)
            && adapter_passes(apid, &self.shadow.aqm, env.queues)
        {
            self.shadow.apm.insert(apid);
            return Update {
                commit: true,
                reset: ResetPlan::NONE,
            };
        }
        Update::NONE
    }

    /// The queue `apqn` has been unbound from vfio_ap (remove). If the guest
    /// had it, the guest loses its whole adapter, whose queues are reset
    /// (the removed one included); otherwise only this queue is reset, if the
    /// host configuration still has it (if not, there is nothing to reset
    /// and only its interrupt resources are freed).
    pub fn queue_unbound<Q: QueueRows + ?Sized>(&mut self, apqn: Apqn, env: &Env<'_, Q>) -> Update {
        let apid = apqn.apid();
        if self.shadow.has_queue(apqn) {
            self.shadow.apm.remove(apid);
            let mut adapter = QueueRect::new(Default::default(), self.shadow.aqm);
            adapter.apm.insert(apid);
            return Update {
                commit: true,
                reset: ResetPlan::of(adapter),
            };
        }
        if env.host.has_queue(apqn) {
            Update {
                commit: false,
                reset: ResetPlan::of(QueueRect::queue(apqn)),
            }
        } else {
            Update::NONE
        }
    }

    /// The queue `apqn`, still bound, is no longer passable (its last reset
    /// failed). If the guest had it, the guest loses its adapter; the queues
    /// were just reset, so no reset is asked for.
    pub fn queue_unusable<Q: QueueRows + ?Sized>(
        &mut self,
        apqn: Apqn,
        env: &Env<'_, Q>,
    ) -> Update {
        let apid = apqn.apid();
        if self.shadow.apm.contains(apid) && !adapter_passes(apid, &self.shadow.aqm, env.queues) {
            self.shadow.apm.remove(apid);
            return Update {
                commit: true,
                reset: ResetPlan::NONE,
            };
        }
        Update::NONE
    }

    /// First phase of a host configuration change (`on_config_changed`): the
    /// IDs in `removed` have left the host configuration and those in `added`
    /// have joined it; `env.host` is the new configuration. The guest loses
    /// the removed ones at once; their queue devices are gone, so nothing is
    /// reset. The added ones wait for [`MdevMatrix::scan_complete`], when
    /// the AP bus has probed their queues: this phase filters against the
    /// configuration without them, as 7.3 does (its `info` still holds the
    /// old configuration when it handles removals).
    pub fn host_config_changed<Q: QueueRows + ?Sized>(
        &mut self,
        removed: &Matrix,
        added: &Matrix,
        env: &Env<'_, Q>,
    ) -> Update {
        self.pending = self.pending.and_not(removed);
        // Only assigned IDs matter to this mdev (`apm_add` etc. in C).
        let assigned_added = self.assigned.and(added);
        self.pending = Matrix {
            apm: self.pending.apm.or(assigned_added.apm),
            aqm: self.pending.aqm.or(assigned_added.aqm),
            adm: self.pending.adm.or(assigned_added.adm),
        };
        if self.assigned.and(removed).is_empty() {
            return Update::NONE;
        }
        let without_additions = env.host.and_not(&assigned_added);
        let (commit, _) = self.refilter(&Env {
            host: &without_additions,
            queues: env.queues,
        });
        Update {
            commit,
            reset: ResetPlan::NONE,
        }
    }

    /// Second phase (`on_scan_complete`): the AP bus has probed the queues
    /// of the added IDs; the guest gets what now passes the filter.
    pub fn scan_complete<Q: QueueRows + ?Sized>(&mut self, env: &Env<'_, Q>) -> Update {
        if !self.has_pending_additions() {
            return Update::NONE;
        }
        self.pending = Matrix::EMPTY;
        self.refilter_update(env)
    }

    /// The guest is going away (`close_device`): every queue assigned to the
    /// mdev and bound to vfio_ap is reset. The shadow stays as it is, ready
    /// for the next guest.
    pub fn guest_detached(&self) -> ResetPlan {
        ResetPlan::of(QueueRect::new(self.assigned.apm, self.assigned.aqm))
    }
}

/// A queue that no mdev has assigned is unbound: it is reset if the host
/// configuration still has it.
pub fn unowned_queue_unbound(apqn: Apqn, host: &Matrix) -> ResetPlan {
    if host.has_queue(apqn) {
        ResetPlan::of(QueueRect::queue(apqn))
    } else {
        ResetPlan::NONE
    }
}
