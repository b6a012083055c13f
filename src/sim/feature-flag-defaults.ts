/**
 * Every feature flag of the CC and its default, in CC's order (`DEFAULT_FLAGS` in
 * `CC:app/models/runtime/feature_flag.rb` at the cc-api.md snapshot: 19 flags).
 */
export const DEFAULT_FLAGS: Readonly<Record<string, boolean>> = Object.freeze({
  user_org_creation: false,
  private_domain_creation: true,
  app_bits_upload: true,
  app_scaling: true,
  route_creation: true,
  service_instance_creation: true,
  diego_docker: false,
  diego_cnb: false,
  set_roles_by_username: true,
  unset_roles_by_username: true,
  task_creation: true,
  env_var_visibility: true,
  space_scoped_private_broker_creation: true,
  space_developer_env_var_visibility: true,
  service_instance_sharing: false,
  hide_marketplace_from_unauthenticated_users: false,
  resource_matching: true,
  route_sharing: false,
  hash_based_routing: false,
});
