import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import type { ConfigOf } from '@carerelay/config';
import { CareRelayError } from '@carerelay/errors';
import type { AiRequest, UseCase } from '@carerelay/events';
import {
  AzureOpenAIModelClient,
  OfflineTemplateProvider,
  OpenAICompatibleModelClient,
  type ModelClient,
} from '@carerelay/llm';
import type { llmWorkerConfigSchema } from './config.js';

type Config = ConfigOf<typeof llmWorkerConfigSchema>;

function missing(...names: string[]): never {
  throw new CareRelayError('CONFIG_INVALID', `LLM_PROVIDER needs ${names.join(', ')}`, { retryable: false });
}

/** The configured provider, and the deployment name a request goes to (for breakers and provenance). */
export function modelClientFromConfig(config: Config): {
  model: ModelClient;
  deploymentFor: (r: AiRequest) => string;
} {
  switch (config.LLM_PROVIDER) {
    case 'azure-openai': {
      if (!config.AZURE_OPENAI_ENDPOINT || !config.AZURE_OPENAI_DEPLOYMENT)
        missing('AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_DEPLOYMENT');
      const deployments = Object.fromEntries(
        (config.AZURE_OPENAI_DEPLOYMENTS ?? []).map(
          (pair) => pair.split('=').map((s) => s.trim()) as [UseCase, string],
        ),
      );
      const client = new AzureOpenAIModelClient({
        endpoint: config.AZURE_OPENAI_ENDPOINT,
        apiVersion: config.OPENAI_API_VERSION,
        defaultDeployment: config.AZURE_OPENAI_DEPLOYMENT,
        deployments,
        ...(config.AZURE_OPENAI_API_KEY
          ? { apiKey: config.AZURE_OPENAI_API_KEY }
          : {
              tokenProvider: getBearerTokenProvider(
                new DefaultAzureCredential(),
                'https://cognitiveservices.azure.com/.default',
              ),
            }),
      });
      return { model: client, deploymentFor: (r) => client.deploymentFor(r.useCase) };
    }
    case 'openai-compatible': {
      if (!config.OPENAI_COMPATIBLE_BASE_URL || !config.OPENAI_COMPATIBLE_MODEL)
        missing('OPENAI_COMPATIBLE_BASE_URL', 'OPENAI_COMPATIBLE_MODEL');
      const model = config.OPENAI_COMPATIBLE_MODEL;
      return {
        model: new OpenAICompatibleModelClient({
          baseURL: config.OPENAI_COMPATIBLE_BASE_URL,
          model,
          ...(config.OPENAI_COMPATIBLE_API_KEY ? { apiKey: config.OPENAI_COMPATIBLE_API_KEY } : {}),
        }),
        deploymentFor: () => model,
      };
    }
    case 'offline':
      return { model: new OfflineTemplateProvider(), deploymentFor: () => 'offline-template' };
  }
}
