import { AzureOpenAI } from 'openai';
import type { UseCase } from '@carerelay/events';
import type { CompletionRequest, CompletionResult, ModelClient } from '../provider.js';
import { chatCompletion } from './openai-chat.js';

export interface AzureOpenAIOptions {
  /** AZURE_OPENAI_ENDPOINT, e.g. https://practice-east.openai.azure.com */
  readonly endpoint: string;
  /** OPENAI_API_VERSION */
  readonly apiVersion: string;
  /** AZURE_OPENAI_API_KEY; omit to use Entra ID through `tokenProvider`. */
  readonly apiKey?: string;
  /** Entra ID bearer token provider (`getBearerTokenProvider(credential, scope)` from @azure/identity). */
  readonly tokenProvider?: () => Promise<string>;
  /** Deployment used when a use case has none of its own. */
  readonly defaultDeployment: string;
  /** A deployment per use case (e.g. a larger model for treatment plans). */
  readonly deployments?: Partial<Record<UseCase, string>>;
}

/**
 * Azure OpenAI under the practice's BAA, through the `openai` SDK's AzureOpenAI
 * client (the @azure/openai companion adds Azure's response fields to its types).
 */
export class AzureOpenAIModelClient implements ModelClient {
  readonly kind = 'AZURE_OPENAI' as const;
  private readonly clients = new Map<string, AzureOpenAI>();

  constructor(private readonly options: AzureOpenAIOptions) {}

  deploymentFor(useCase: UseCase): string {
    return this.options.deployments?.[useCase] ?? this.options.defaultDeployment;
  }

  recipient(useCase: UseCase): string {
    return `azure-openai:${new URL(this.options.endpoint).host}/${this.deploymentFor(useCase)}`;
  }

  complete(request: CompletionRequest): Promise<CompletionResult> {
    const deployment = this.deploymentFor(request.useCase);
    return chatCompletion(this.client(deployment), deployment, request);
  }

  private client(deployment: string): AzureOpenAI {
    let client = this.clients.get(deployment);
    if (!client) {
      client = new AzureOpenAI({
        endpoint: this.options.endpoint,
        apiVersion: this.options.apiVersion,
        deployment,
        maxRetries: 0,
        ...(this.options.apiKey
          ? { apiKey: this.options.apiKey }
          : { azureADTokenProvider: this.options.tokenProvider }),
      });
      this.clients.set(deployment, client);
    }
    return client;
  }
}
