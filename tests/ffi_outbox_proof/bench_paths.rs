//! The two ways into an outbox that the bench sets side by side: the C API (`mpm_outbox_record`,
//! `mpm_outbox_record_batch`, C strings as a C program passes them) and the core's Rust API
//! (`Outbox::record`, `Outbox::record_batch`) on the same runtime, store settings and clock. The
//! same events go through either; only the layer differs.

use std::ffi::{c_char, CString};
use std::path::Path;
use std::sync::Arc;

use crate::api::{self, *};
use crate::sim::{SharedClock, CUSTOMERS};
use mpmeter_core::outbox::{Clock, Event, Options, Outbox};

pub const DIMENSION: &str = "hosts";
pub const QUANTITY: &str = "1";

/// An outbox to record into, by either layer.
pub trait Way: Sync {
    fn name(&self) -> &'static str;
    /// Records one event of `customer` (an index into CUSTOMERS) with `event_id`.
    fn record(&self, customer: usize, event_id: &str);
    /// Records one event per id, customers in turn from `customer`, in one call.
    fn record_batch(&self, customer: usize, event_ids: &[String]);
}

#[repr(C)]
pub struct CEvent {
    pub customer: *const c_char,
    pub dimension: *const c_char,
    pub usage_time: i64,
    pub quantity: *const c_char,
    pub event_id: *const c_char,
}

extern "C" {
    pub fn mpm_outbox_record_batch(
        outbox: *mut mpm_outbox,
        events: *const CEvent,
        count: usize,
    ) -> std::ffi::c_int;
    pub fn mpm_outbox_seal_now(outbox: *mut mpm_outbox, customer: *const c_char)
        -> std::ffi::c_int;
}

/// Through the C API; the customer, dimension and quantity strings are made once, as a C
/// program's literals would be.
pub struct CWay {
    pub ob: *mut mpm_outbox,
    client: *mut std::ffi::c_void,
    customers: Vec<CString>,
    dimension: CString,
    quantity: CString,
    now_s: i64,
}

unsafe impl Send for CWay {}
unsafe impl Sync for CWay {}

impl CWay {
    pub fn open(store: &Path, url: &str, clock: &SharedClock) -> CWay {
        let client = api::client_for(url);
        let ob = api::open_outbox(client, store, clock, |_| {}).unwrap_or_else(|m| panic!("{m}"));
        CWay {
            ob,
            client,
            customers: CUSTOMERS.iter().map(|c| crate::cs(c)).collect(),
            dimension: crate::cs(DIMENSION),
            quantity: crate::cs(QUANTITY),
            now_s: clock.now_ms() / 1000,
        }
    }
}

impl Drop for CWay {
    fn drop(&mut self) {
        unsafe {
            mpm_outbox_close(self.ob, 1000);
            mpm_outbox_free(self.ob);
            api::mpm_client_free(self.client);
        }
    }
}

impl Way for CWay {
    fn name(&self) -> &'static str {
        "c_api"
    }

    fn record(&self, customer: usize, event_id: &str) {
        let id = crate::cs(event_id);
        let rc = unsafe {
            mpm_outbox_record(
                self.ob,
                self.customers[customer % 4].as_ptr(),
                self.dimension.as_ptr(),
                self.now_s,
                self.quantity.as_ptr(),
                id.as_ptr(),
            )
        };
        assert_eq!(rc, MPM_OK, "{}", api::last_message());
    }

    fn record_batch(&self, customer: usize, event_ids: &[String]) {
        let ids: Vec<CString> = event_ids.iter().map(|i| crate::cs(i)).collect();
        let evs: Vec<CEvent> = ids
            .iter()
            .enumerate()
            .map(|(k, id)| CEvent {
                customer: self.customers[(customer + k) % 4].as_ptr(),
                dimension: self.dimension.as_ptr(),
                usage_time: self.now_s,
                quantity: self.quantity.as_ptr(),
                event_id: id.as_ptr(),
            })
            .collect();
        let rc = unsafe { mpm_outbox_record_batch(self.ob, evs.as_ptr(), evs.len()) };
        assert_eq!(rc, MPM_OK, "{}", api::last_message());
    }
}

/// The simulated clock for the core's options.
struct Shared(Arc<SharedClock>);

impl Clock for Shared {
    fn now_ms(&self) -> i64 {
        self.0.now_ms()
    }
}

/// Through the core's Rust API, on the C library's own runtime, with a client of the same
/// endpoint: what the C layer converts to and delegates to.
pub struct CoreWay {
    outbox: Outbox,
    now_s: i64,
}

impl CoreWay {
    pub fn open(store: &Path, url: &str, clock: Arc<SharedClock>) -> CoreWay {
        use mpmeter_core::client::{Client, ClientConfig};
        use mpmeter_core::credentials::CredentialsSource;
        let creds = CredentialsSource::basic(
            crate::emulator_support::ACCESS_KEY,
            crate::emulator_support::SECRET_KEY,
            None,
        );
        let client =
            Client::new("us-east-1", Some(url), creds, ClientConfig::default()).expect("client");
        let now_s = clock.now_ms() / 1000;
        let options = Options {
            product_code: Some("demo-product".into()),
            clock: Arc::new(Shared(clock)),
            ..Options::default()
        };
        let rt = mpmeter::runtime::get().expect("the library's runtime");
        let outbox = Outbox::open(store, options, Arc::new(client), rt.handle()).expect("open");
        CoreWay { outbox, now_s }
    }

    fn event(&self, customer: usize, event_id: &str) -> Event {
        Event {
            customer: Some(CUSTOMERS[customer % 4].to_string()),
            dimension: DIMENSION.to_string(),
            usage_time: self.now_s,
            quantity: QUANTITY.to_string(),
            event_id: Some(event_id.to_string()),
        }
    }
}

impl Way for CoreWay {
    fn name(&self) -> &'static str {
        "core"
    }

    fn record(&self, customer: usize, event_id: &str) {
        self.outbox.record(&self.event(customer, event_id)).unwrap();
    }

    fn record_batch(&self, customer: usize, event_ids: &[String]) {
        let evs: Vec<Event> = event_ids
            .iter()
            .enumerate()
            .map(|(k, id)| self.event(customer + k, id))
            .collect();
        self.outbox.record_batch(&evs).unwrap();
    }
}
