// Package relief is the assistance domain of a relief operation: the
// affected state's formal requests for resources, the offers of other
// organisations (solicited or not), the requester's acceptance or refusal,
// the provider's commitment, the deployment status reports and the release,
// each an immutable Message kept in a Thread linked to its request, with the
// thread's state derived from its messages: the status of every offer and
// the fulfilment of the request (none, partial, complete).
//
// # Standards
//
// The message types are those of OASIS Emergency Data Exchange Language
// Resource Messaging (EDXL-RM) 1.0, OASIS Standard, 1 November 2008
// (namespace urn:oasis:names:tc:emergency:EDXL:RM:1.0):
//
//	RequestResource                 the affected state asks for resources
//	ResponseToRequestResource       a solicited offer in answer to a request
//	OfferUnsolicitedResource        an offer made without a request
//	RequisitionResource             the requester accepts (orders) or declines an offer
//	CommitResource                  the provider commits the resource, with its ETA
//	ReportResourceDeploymentStatus  en route, arrived, deployed, released
//	ReleaseResource                 the requester releases the resource
//
// EDXL-RM has no message for refusing an offer; struna sends a
// RequisitionResource whose ResponseInformation/ResponseType is Decline, as
// the package relief/edxl writes it.
//
// Search and rescue teams carry their INSARAG classification (light, medium,
// heavy) from the INSARAG Guidelines 2020, vol. I and II (International
// Search and Rescue Advisory Group, United Nations OCHA): a light team
// searches and rescues from surface and light structures, a medium team
// breaches concrete in one worksite, a heavy team works two worksites around
// the clock with heavy lifting. Medical teams may give their WHO Emergency
// Medical Team type (EMT 1, 2, 3; WHO "Classification and minimum standards
// for emergency medical teams", 2021) in Resource.Type.
//
// # Duplicates
//
// Offers pour in from many partners after an earthquake and the same team
// is often offered twice (by its agency and by its ministry of foreign
// affairs) or offered when the need is already covered. FlagDuplicates flags
// such offers with documented, deterministic rules; see its doc comment.
//
// # Errors
//
// Validation errors are *seis.FormatError values naming the record (the
// message id), the field (a JSON path such as "offer.resource.class") and
// what is wrong. The package does no I/O, keeps no global state, never
// reads the clock (times are in the messages), and is deterministic.
package relief
