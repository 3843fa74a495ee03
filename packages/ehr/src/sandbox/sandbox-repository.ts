import { isNotFound, normalizeOperationOutcome } from '@medplum/core';
import { MemoryRepository } from '@medplum/fhir-router';
import type { UpdateResourceOptions } from '@medplum/fhir-router';
import type { WithId } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { assertNotSigned } from './signed-guard.js';
import { acceptSubscription } from './subscriptions.js';

export type ResourceChangeKind = 'create' | 'update';
export type ResourceChangeListener = (resource: WithId<Resource>, kind: ResourceChangeKind) => void;

/**
 * Medplum's in-memory repository plus the two behaviours the sandbox adds at the
 * storage layer, so they hold for every route that writes (PUT, PATCH, POST,
 * batch and transaction entries alike): signed records are read-only, and every
 * write is reported to the change listener that drives subscriptions, which are
 * validated and activated on the way in.
 */
export class SandboxRepository extends MemoryRepository {
  private readonly listeners: ResourceChangeListener[] = [];

  onChange(listener: ResourceChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * MemoryRepository stores every version through createResource (updateResource
   * and patchResource delegate to it), so this is the one place that sees each
   * write exactly once; whether a previous version existed tells create from update.
   */
  override async createResource<T extends Resource>(resource: T): Promise<WithId<T>> {
    const existed = resource.id
      ? (await this.readIfExists(resource.resourceType, resource.id)) !== undefined
      : false;
    const stored = await super.createResource(prepare(resource));
    this.emit(stored, existed ? 'update' : 'create');
    return stored;
  }

  override async updateResource<T extends Resource>(
    resource: T,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    if (resource.id) assertNotSigned(await this.readIfExists(resource.resourceType, resource.id));
    return super.updateResource(resource, options);
  }

  override async deleteResource(resourceType: string, id: string): Promise<void> {
    assertNotSigned(await this.readIfExists(resourceType, id));
    await super.deleteResource(resourceType, id);
  }

  private async readIfExists(resourceType: string, id: string): Promise<Resource | undefined> {
    try {
      return await this.readResource(resourceType, id);
    } catch (err) {
      // An update of an unknown id is an upsert; anything else is a real fault.
      if (isNotFound(normalizeOperationOutcome(err))) return undefined;
      throw err;
    }
  }

  private emit(resource: WithId<Resource>, kind: ResourceChangeKind): void {
    for (const listener of this.listeners) listener(resource, kind);
  }
}

/**
 * Version and timestamp are the server's to assign: MemoryRepository keeps a
 * caller's meta.lastUpdated on create, which would hide the write from a
 * `_lastUpdated=gt<cursor>` poll.
 */
function prepare<T extends Resource>(resource: T): T {
  const accepted = resource.resourceType === 'Subscription' ? (acceptSubscription(resource) as T) : resource;
  if (!accepted.meta) return accepted;
  const meta = { ...accepted.meta };
  delete meta.versionId;
  delete meta.lastUpdated;
  return { ...accepted, meta };
}
